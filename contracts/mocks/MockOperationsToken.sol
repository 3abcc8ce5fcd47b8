// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {ALL_OPERATIONS, IOperationsPausable} from "../interfaces/IOperationsPausable.sol";

/**
 * @title MockOperationsToken
 * @notice Test double of a third-party token paused by operation that declares {IOperationsPausable} through
 * ERC-165, and nothing of {SecureMintToken}'s: no rules of its own, no record of who paused what. An ERC-20
 * with 8 decimals whose supply goes to its deployer; `PAUSER` alone pauses and unpauses.
 */
contract MockOperationsToken is ERC20, ERC165, IOperationsPausable {
    /// @notice May pause and unpause.
    address public immutable PAUSER;

    uint8 private _pausedOperations;

    /// @notice The caller is not {PAUSER}.
    error NotPauser(address account);

    /**
     * @param pauser who may pause and unpause
     * @param supply minted to the deployer
     */
    constructor(address pauser, uint256 supply) ERC20("Mock Operations Token", "MOT") {
        PAUSER = pauser;
        _mint(msg.sender, supply);
    }

    /// @notice 8, like WBTC.
    function decimals() public pure override returns (uint8) {
        return 8;
    }

    /// @inheritdoc IOperationsPausable
    function pausedOperations() external view override returns (uint8) {
        return _pausedOperations;
    }

    /// @inheritdoc IOperationsPausable
    function pauseOperations(uint8 operations) external override {
        _setPaused(operations, _pausedOperations | operations);
        emit OperationsPaused(msg.sender, operations, _pausedOperations);
    }

    /// @inheritdoc IOperationsPausable
    function unpauseOperations(uint8 operations) external override {
        _setPaused(operations, _pausedOperations & ~operations);
        emit OperationsUnpaused(msg.sender, operations, _pausedOperations);
    }

    /// @notice ERC-165: {IOperationsPausable}.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IOperationsPausable).interfaceId || super.supportsInterface(interfaceId);
    }

    function _setPaused(uint8 operations, uint8 afterwards) private {
        if (msg.sender != PAUSER) revert NotPauser(msg.sender);
        if (operations == 0 || operations & ~ALL_OPERATIONS != 0) revert InvalidOperations(operations);
        _pausedOperations = afterwards;
    }
}
