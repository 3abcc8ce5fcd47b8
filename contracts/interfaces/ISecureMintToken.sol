// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOperationsPausable} from "./IOperationsPausable.sol";
import {ReserveCheck} from "../libraries/ReserveCheck.sol";

/**
 * @title ISecureMintToken
 * @notice A wrapped-asset token that refuses to mint past its proof of reserve, and whose mint, redeem and
 * burn operations can each be paused.
 */
interface ISecureMintToken is IOperationsPausable {
    /**
     * @notice Emitted when the reserve configuration changes.
     * @param reserveFeed the proof-of-reserve feed
     * @param heartbeat seconds after which the feed's answer is stale
     * @param marginBps extra reserves required over supply, in basis points
     */
    event ReserveConfigUpdated(address indexed reserveFeed, uint32 heartbeat, uint16 marginBps);

    /**
     * @notice Emitted when a holder redeems tokens for the underlying asset.
     * @param account the holder whose tokens were burnt
     * @param amount the amount burnt
     * @param destination where the issuer is to release the underlying (for example a bitcoin address)
     */
    event Redeemed(address indexed account, uint256 amount, string destination);

    /**
     * @notice The mint was refused: the supply after it would not be backed.
     * @param verdict the check's verdict (`Short`; minting never proceeds on stale data)
     * @param reason the rule that decided
     * @param reserves the reserve feed's answer
     * @param supply the supply before the mint
     * @param amount the amount asked for
     */
    error MintNotBacked(
        ReserveCheck.Verdict verdict,
        ReserveCheck.Reason reason,
        int256 reserves,
        int256 supply,
        uint256 amount
    );

    /// @notice The reserve feed is not a contract.
    error InvalidReserveFeed(address reserveFeed);

    /// @notice The admin address is the zero address.
    error InvalidAdmin();

    /// @notice A redemption names no destination: the issuer would not know where to release the underlying.
    error EmptyDestination();

    /// @notice The heartbeat is 0.
    error InvalidHeartbeat();

    /**
     * @notice Mints if the supply after the mint is backed. Minter only; refused while minting is paused.
     * @param to the recipient
     * @param amount the amount, in the token's 8 decimals
     */
    function mint(address to, uint256 amount) external;

    /**
     * @notice Burns the caller's tokens against a release of the underlying. Refused while redeeming is
     * paused, and with an empty destination.
     * @param amount the amount
     * @param destination where the underlying is to be released (non-empty)
     */
    function redeem(uint256 amount, string calldata destination) external;

    /**
     * @notice Replaces the reserve configuration. Admin only.
     * @param reserveFeed the proof-of-reserve feed (`AggregatorV3Interface`)
     * @param heartbeat seconds after which the feed's answer is stale (non-zero)
     * @param marginBps extra reserves required over supply, in basis points
     */
    function setReserveConfig(address reserveFeed, uint32 heartbeat, uint16 marginBps) external;

    /**
     * @notice The reserve configuration.
     * @return reserveFeed the proof-of-reserve feed
     * @return heartbeat seconds after which its answer is stale
     * @return marginBps extra reserves required, in basis points
     */
    function reserveConfig() external view returns (address reserveFeed, uint32 heartbeat, uint16 marginBps);

    /**
     * @notice The check a mint of `amount` would face now.
     * @param amount the amount to mint (0 for the current supply)
     */
    function reserveStatus(uint256 amount) external view returns (ReserveCheck.Result memory);
}
