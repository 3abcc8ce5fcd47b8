// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IPausable} from "../interfaces/IPausable.sol";

/**
 * @title PausableStablecoin
 * @notice A dollar stablecoin as many are deployed, standing in for a third party's token: an OpenZeppelin ERC-20
 * of 6 decimals whose `MINTER_ROLE` mints any amount (no mint gate: nothing on-chain compares a mint with the
 * reserves), pausable by `PAUSER_ROLE`. While paused nothing moves (mints, transfers) but burns: burning only
 * improves the backing, and is the issuer's way back to it.
 */
contract PausableStablecoin is ERC20, ERC20Burnable, Pausable, AccessControl, IPausable {
    /// @notice May mint, any amount.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice May pause and unpause.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /**
     * @param name_ the token name
     * @param symbol_ the token symbol
     * @param admin receives `DEFAULT_ADMIN_ROLE`
     */
    constructor(string memory name_, string memory symbol_, address admin) ERC20(name_, symbol_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice 6, like most dollar stablecoins.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Mints `amount` to `to`, whatever the reserves. Minter only; refused while paused.
     * @param to the recipient
     * @param amount the amount, in 6 decimals
     */
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
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

    /// @dev Every balance change but a burn (to the zero address) waits while paused.
    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0)) _requireNotPaused();
        super._update(from, to, value);
    }
}
