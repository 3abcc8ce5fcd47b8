// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOperationsPausable} from "./IOperationsPausable.sol";
import {DelayedChange} from "../libraries/DelayedChange.sol";
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
     * @param marginMode how much of the reserves may be minted against ({ReserveCheck-MarginMode})
     * @param marginAmount the margin: basis points for a percentage, token units for an absolute margin
     */
    event ReserveConfigUpdated(
        address indexed reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    );

    /**
     * @notice A new reserve configuration was scheduled: {setReserveConfig} applies it from `readyAt` until
     * `expiresAt`.
     * @param reserveFeed the proof-of-reserve feed
     * @param heartbeat seconds after which the feed's answer is stale
     * @param marginMode the margin's mode
     * @param marginAmount the margin's amount
     * @param readyAt the first second (unix time) it can be applied
     * @param expiresAt the last second it can be applied
     */
    event ReserveConfigScheduled(
        address indexed reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount,
        uint48 readyAt,
        uint48 expiresAt
    );

    /// @notice The scheduled reserve configuration was cancelled.
    event ReserveConfigCancelled();

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
     * @notice A negative margin (supply allowed above the reserves) was asked for at deployment: it takes effect
     * only through {scheduleReserveConfig}, in public, after the admin delay.
     */
    error NegativeMarginNotScheduled(ReserveCheck.MarginMode marginMode);

    /// @notice No such reserve configuration is scheduled (none, or another one).
    error ReserveConfigNotScheduled();

    /// @notice The scheduled reserve configuration waits for the admin delay: it can be applied from `readyAt`.
    error ReserveConfigNotReady(uint48 readyAt);

    /// @notice The scheduled reserve configuration was not applied by `expiresAt`: schedule it again.
    error ReserveConfigExpired(uint48 expiresAt);

    /**
     * @notice `operation` is already paused, and by another account, `account` (the reserve guard, say): a pause
     * of one's own cannot be placed on it, since whoever holds it may lift it. An issuer pauses a guarded token
     * through the guard's `GUARDIAN_ROLE` instead.
     */
    error OperationPausedByAnother(uint8 operation, address account);

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
     * @notice Schedules a new reserve configuration, applicable with {setReserveConfig} once the admin delay
     * (`defaultAdminDelay()`) has passed, for 14 days; replaces any configuration already scheduled. Admin
     * only.
     * @dev The delay is what keeps an admin from pointing the token at a feed of its own and minting unbacked in
     * the same block: the change is public for the whole delay.
     * @param reserveFeed the proof-of-reserve feed (`AggregatorV3Interface`, a contract)
     * @param heartbeat seconds after which the feed's answer is stale (non-zero)
     * @param marginMode how much of the reserves may be minted against ({ReserveCheck-MarginMode}); a negative
     * mode lets the supply exceed the reserves, and is set only this way
     * @param marginAmount the margin, within its mode's bounds ({ReserveCheck-InvalidMargin})
     */
    function scheduleReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) external;

    /**
     * @notice Applies the scheduled reserve configuration (the same values), once its delay has passed and
     * before it expires. Admin only.
     * @param reserveFeed the proof-of-reserve feed
     * @param heartbeat seconds after which the feed's answer is stale
     * @param marginMode the margin's mode
     * @param marginAmount the margin's amount
     */
    function setReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) external;

    /// @notice Cancels the scheduled reserve configuration. Admin only.
    function cancelReserveConfig() external;

    /**
     * @notice The scheduled reserve configuration:
     * `keccak256(abi.encode(reserveFeed, heartbeat, marginMode, marginAmount))`
     * (the values are in {ReserveConfigScheduled}), from when and until when it can be applied; all zero when
     * none.
     */
    function pendingReserveConfig() external view returns (DelayedChange.Pending memory);

    /**
     * @notice Who paused `operation` (one `OPERATION_*` flag): the account whose pause switched it on, or zero
     * while it is not paused.
     */
    function operationPausedBy(uint8 operation) external view returns (address);

    /**
     * @notice The reserve configuration.
     * @return reserveFeed the proof-of-reserve feed
     * @return heartbeat seconds after which its answer is stale
     * @return marginMode how much of the reserves may be minted against
     * @return marginAmount the margin: basis points for a percentage, token units for an absolute margin
     */
    function reserveConfig()
        external
        view
        returns (address reserveFeed, uint32 heartbeat, ReserveCheck.MarginMode marginMode, uint256 marginAmount);

    /**
     * @notice The check a mint of `amount` would face now.
     * @param amount the amount to mint (0 for the current supply)
     */
    function reserveStatus(uint256 amount) external view returns (ReserveCheck.Result memory);
}
