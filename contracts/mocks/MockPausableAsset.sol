// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IPausable} from "../interfaces/IPausable.sol";

/**
 * @title MockPausableAsset
 * @notice Test double of a third-party asset built on OpenZeppelin's `Pausable`: an ERC-20 with any number
 * of decimals, open minting and burning (tests set the supply freely), and `pause()`/`unpause()` for
 * `PAUSER_ROLE`.
 */
contract MockPausableAsset is ERC20, Pausable, AccessControl, IPausable {
    /// @notice May pause and unpause.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint8 private immutable DECIMALS;

    /**
     * @param decimals_ the token's precision
     * @param admin receives `DEFAULT_ADMIN_ROLE`
     */
    constructor(uint8 decimals_, address admin) ERC20("Mock Pausable Asset", "MPA") {
        DECIMALS = decimals_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice The token's precision.
    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }

    /**
     * @notice Mints to anyone (test only).
     * @param to the recipient
     * @param amount the amount
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Burns from anyone (test only).
     * @param from the holder
     * @param amount the amount
     */
    function burn(address from, uint256 amount) external {
        _burn(from, amount);
    }

    /// @inheritdoc IPausable
    function paused() public view override(Pausable, IPausable) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc IPausable
    function pause() external override onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IPausable
    function unpause() external override onlyRole(PAUSER_ROLE) {
        _unpause();
    }
}
