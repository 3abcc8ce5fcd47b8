// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title DecimalsToken
 * @notice A test ERC-20 whose `decimals()` is chosen at deployment (0, 6, 18, 24, or any uint8), with
 * an initial supply minted to the deployer and owner-only minting and burning afterwards.
 */
contract DecimalsToken is ERC20, Ownable {
    uint8 private immutable _DECIMALS;

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
    ) ERC20(name_, symbol_) Ownable(msg.sender) {
        _DECIMALS = decimals_;
        _mint(msg.sender, initialSupply);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _DECIMALS;
    }

    /**
     * @notice Mints `amount` units to `to`.
     * @param to Recipient.
     * @param amount Units to mint.
     */
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /**
     * @notice Burns `amount` units held by `from`.
     * @param from Holder.
     * @param amount Units to burn.
     */
    function burn(address from, uint256 amount) external onlyOwner {
        _burn(from, amount);
    }
}
