// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {DecimalsToken} from "./DecimalsToken.sol";

/**
 * @title MisreportingToken
 * @notice A deliberately broken ERC-20 for tests: the owner can make `balanceOf` report any figure for
 * an account, for instance a balance larger than `totalSupply()`, which a consistent token never does.
 */
contract MisreportingToken is DecimalsToken {
    mapping(address account => uint256 balance) private _reported;
    mapping(address account => bool set) private _isReported;

    /**
     * @param name_ Token name.
     * @param symbol_ Token symbol.
     * @param decimals_ What `decimals()` returns.
     * @param initialSupply Units minted to the deployer.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        uint256 initialSupply
    ) DecimalsToken(name_, symbol_, decimals_, initialSupply) {}

    /**
     * @notice Makes `balanceOf(account)` return `balance` whatever the account really holds.
     * @param account The account.
     * @param balance The figure to report.
     */
    function setReportedBalance(address account, uint256 balance) external onlyOwner {
        _reported[account] = balance;
        _isReported[account] = true;
    }

    /// @inheritdoc ERC20
    function balanceOf(address account) public view override returns (uint256) {
        return _isReported[account] ? _reported[account] : super.balanceOf(account);
    }
}
