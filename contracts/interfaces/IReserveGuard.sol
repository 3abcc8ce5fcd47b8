// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DelayedChange} from "../libraries/DelayedChange.sol";
import {ReserveCheck} from "../libraries/ReserveCheck.sol";

/**
 * @title IReserveGuard
 * @notice The registry and controls of {ReserveGuard}, the Automation upkeep that pauses an asset when its
 * proof of reserve shows a shortfall. The Automation entry points come from Chainlink's
 * `AutomationCompatibleInterface` and `ILogAutomation`.
 */
interface IReserveGuard {
    /// @notice Where an asset's supply is read.
    enum SupplyKind {
        /// `totalSupply()` and `decimals()` of an ERC-20 on this chain.
        TokenTotalSupply,
        /// An `AggregatorV3Interface` reporting the supply (assets spread over many chains).
        SupplyFeed
    }

    /// @notice How an asset is paused.
    enum PauseMode {
        /// `pauseOperations(operations)` on an {IOperationsPausable} token, such as {SecureMintToken}.
        Operations,
        /// `pause()` on an OpenZeppelin `Pausable` contract exposing {IPausable}.
        Pausable,
        /**
         * `setPausedState(true)` on a Chainlink ACE `PausePolicy` ({IAcePausePolicy}), the target, owned by the
         * guard and run first on the `mint` of the asset's token (its supply source, `TokenTotalSupply`) by the
         * token's `PolicyEngine`.
         */
        AcePausePolicy
    }

    /// @notice Who holds a pause the guard made: the upkeep (a shortfall) or a guardian (by hand).
    enum Hold {
        /// Paused by the upkeep for a shortfall; lifted by an unpauser once the asset is backed.
        Upkeep,
        /// Paused by a guardian; lifted by a guardian.
        Guardian
    }

    /**
     * @notice A protected asset, identified by its pause target (the contract that gets paused).
     * @param reserveFeed the proof-of-reserve feed (`AggregatorV3Interface`)
     * @param supplyKind where the supply is read
     * @param supplySource the token (`TokenTotalSupply`) or the supply feed (`SupplyFeed`)
     * @param heartbeat seconds after which the reserve feed's answer is stale
     * @param supplyHeartbeat seconds after which the supply feed's answer is stale (`SupplyFeed`; the two
     * feeds may update at different cadences), 0 for `TokenTotalSupply` (read live)
     * @param stalePolicy whether stale data pauses (`FailClosed`) or is skipped (`Skip`)
     * @param marginMode how much of the reserves the supply may take ({ReserveCheck-MarginMode}, Chainlink ACE's
     * modes); a negative mode (supply above the reserves) is set only by a scheduled update, never at once
     * @param marginAmount the margin: basis points (at most 10000) for a percentage, supply units (more than 0)
     * for an absolute margin, 0 for `None`
     * @param pauseMode how the target is paused
     * @param operations for `Operations`: a non-empty mask of `OPERATION_*` flags; for the other modes: 0
     * @param pauseGas the gas the target's pause (and the upkeep's retry of it) is given, from
     * `MIN_PAUSE_GAS` (100,000: a role check, a storage write and an event behind a proxy) to `MAX_PAUSE_GAS`;
     * more for a target whose pause does more. A guardian's pause and an unpause get the gas their sender
     * sends.
     */
    struct AssetConfig {
        address reserveFeed;
        SupplyKind supplyKind;
        address supplySource;
        uint32 heartbeat;
        uint32 supplyHeartbeat;
        ReserveCheck.StalePolicy stalePolicy;
        ReserveCheck.MarginMode marginMode;
        uint256 marginAmount;
        PauseMode pauseMode;
        uint8 operations;
        uint32 pauseGas;
    }

    /// @notice An asset was registered.
    event AssetAdded(address indexed target, AssetConfig config);

    /// @notice An asset's configuration was replaced.
    event AssetUpdated(address indexed target, AssetConfig config);

    /**
     * @notice An update of an asset's configuration was scheduled: {updateAsset} applies it from `readyAt`.
     * @param target the asset
     * @param config the new configuration
     * @param readyAt the time (unix seconds) from which it can be applied
     */
    event AssetUpdateScheduled(address indexed target, AssetConfig config, uint48 readyAt);

    /// @notice A removal of an asset was scheduled: {removeAsset} applies it from `readyAt`.
    event AssetRemovalScheduled(address indexed target, uint48 readyAt);

    /// @notice A scheduled update or removal was cancelled.
    event AssetChangeCancelled(address indexed target);

    /// @notice An asset was removed from the registry (its target is left as it is).
    event AssetRemoved(address indexed target);

    /// @notice The guard handed the ownership of a contract it owned (an ACE `PausePolicy`) to `newOwner`.
    event OwnershipReleased(address indexed target, address indexed newOwner);

    /**
     * @notice The upkeep paused a short asset.
     * @param target the paused contract
     * @param reason the rule that found the shortfall
     * @param reserves the reserve feed's answer
     * @param supply the supply read (without margin)
     */
    event AssetPaused(address indexed target, ReserveCheck.Reason reason, int256 reserves, int256 supply);

    /**
     * @notice The upkeep found a short asset but pausing its target failed (for example the guard lacks
     * the pauser role on it). The upkeep backs off before trying again ({AssetPauseBackoff}).
     * @param target the contract that could not be paused
     * @param reason the rule that found the shortfall
     * @param error the revert data of the pause call
     */
    event AssetPauseFailed(address indexed target, ReserveCheck.Reason reason, bytes error);

    /**
     * @notice The upkeep leaves an asset alone until `retryAfter`, its pause having failed `failures` times in
     * a row (see {ReserveGuard-PAUSE_RETRY_DELAY}). Follows {AssetPauseFailed}.
     * @param target the asset
     * @param failures the failed pauses in a row
     * @param retryAfter the time (unix seconds) from which the upkeep tries again
     */
    event AssetPauseBackoff(address indexed target, uint8 failures, uint256 retryAfter);

    /// @notice A guardian cleared an asset's backoff: the next upkeep tries to pause it at once.
    event AssetPauseBackoffCleared(address indexed target, address indexed guardian);

    /**
     * @notice {performUpkeep} ran short of gas and left the rest of its list to the next upkeep (they are
     * still short and unpaused, so the next check lists them again).
     * @param handled the entries taken up
     * @param listed the entries in `performData`
     */
    event PerformGasExhausted(uint256 handled, uint256 listed);

    /// @notice A guardian paused an asset by hand (or placed its hold on an asset already paused).
    event AssetPausedByGuardian(address indexed target, address indexed guardian);

    /**
     * @notice A hold on an asset was lifted, but the other one remains: the target stays paused.
     * @param target the asset
     * @param account the unpauser (upkeep hold) or guardian (guardian hold) who lifted it
     * @param hold the hold lifted
     */
    event PauseHoldLifted(address indexed target, address indexed account, Hold hold);

    /**
     * @notice The last hold on an asset was lifted and the guard unpaused what it had paused, after
     * confirming the asset is backed.
     * @param target the unpaused contract
     * @param unpauser who decided it (an unpauser, or a guardian lifting its own pause)
     * @param reserves the reserve feed's answer
     * @param supply the supply read
     */
    event AssetUnpaused(address indexed target, address indexed unpauser, int256 reserves, int256 supply);

    /// @notice No asset is registered for this target.
    error UnknownAsset(address target);

    /// @notice An asset is already registered for this target.
    error AssetAlreadyRegistered(address target);

    /// @notice The registry is full.
    error TooManyAssets(uint256 max);

    /// @notice The target, reserve feed or supply source is not a contract.
    error NotAContract(address account);

    /// @notice A feed's or token's `decimals()` reverts, returns too little data or a value above 255.
    error DecimalsUnreadable(address source);

    /// @notice No such change is scheduled for the asset (none, or another configuration).
    error AssetChangeNotScheduled(address target);

    /// @notice The scheduled change waits for the admin delay: it can be applied from `readyAt`.
    error AssetChangeNotReady(address target, uint48 readyAt);

    /**
     * @notice The scheduled change was not applied within its grace period (until `expiresAt`): schedule it
     * again.
     */
    error AssetChangeExpired(address target, uint48 expiresAt);

    /// @notice The heartbeat is 0.
    error InvalidHeartbeat();

    /**
     * @notice A negative margin (the supply allowed above the reserves) was given to {addAsset}, which takes
     * effect at once: it is set only by {scheduleAssetUpdate}, in public, after the admin delay.
     */
    error NegativeMarginNotScheduled(ReserveCheck.MarginMode marginMode);

    /**
     * @notice The supply heartbeat does not fit the supply kind: a supply feed needs one (non-zero), a token's
     * `totalSupply()` has none (0).
     */
    error InvalidSupplyHeartbeat(SupplyKind supplyKind, uint32 supplyHeartbeat);

    /// @notice The operation mask does not fit the pause mode.
    error InvalidOperationMask(PauseMode pauseMode, uint8 operations);

    /**
     * @notice The pause mode needs the asset's token as its supply source (`TokenTotalSupply`): an ACE
     * `PausePolicy` is found attached to the token's `mint` through the token's `PolicyEngine`.
     */
    error InvalidSupplyKind(PauseMode pauseMode, SupplyKind supplyKind);

    /**
     * @notice The ACE `PausePolicy` is not the first policy the token's `PolicyEngine` runs on the token's
     * `mint(address,uint256)` (detached, moved behind another policy, or the engine cannot be read): a policy
     * before it may allow the mint and skip it, so pausing it would stop nothing. Refused when the asset is added
     * or updated; encoded as the `error` of {AssetPauseFailed} for the upkeep (the asset backs off), raised to a
     * guardian.
     */
    error PausePolicyNotFirst(address policy, address token);

    /// @notice The target is a registered asset's: its ownership stays with the guard until the asset is removed.
    error TargetRegistered(address target);

    /// @notice The pause gas is outside `MIN_PAUSE_GAS` … `MAX_PAUSE_GAS`.
    error InvalidPauseGas(uint32 pauseGas);

    /**
     * @notice The target does not answer the pause interface its pause mode declares (`pausedOperations()`
     * for `Operations`, `paused()` for `Pausable`): the call reverts, returns too little data or a value out
     * of range.
     */
    error PauseStateUnreadable(address target, PauseMode pauseMode);

    /**
     * @notice The target's pause call returned normally, but the target does not read as fully paused
     * afterwards (a non-reverting fallback, a pause that does nothing, or a pause state that cannot be read).
     * Raised to a guardian; encoded as the `error` of {AssetPauseFailed} for the upkeep.
     */
    error PauseNotInForce(address target);

    /**
     * @notice The upkeep could never pause this asset: its check and its pause need `needed` gas, more than the
     * whole perform had (`available`). Encoded as the `error` of {AssetPauseFailed} (the asset then backs off,
     * rather than stopping every perform at it); raise the upkeep's gas limit, or pause by hand.
     */
    error PauseGasUnavailable(address target, uint256 needed, uint256 available);

    /**
     * @notice A CRE report ({IReceiver-onReport}) lacked the gas to handle its whole list: entry `entry` needs
     * `needed` gas and `left` remained. The report reverts rather than pausing less than it lists, so that
     * `KeystoneForwarder` records the delivery as failed and anyone may deliver the same report again with more
     * gas (a delivery that returns is final, whoever sent it with whatever gas).
     */
    error ReportGasExhausted(uint256 entry, uint256 needed, uint256 left);

    /**
     * @notice `checkData` is neither empty nor `abi.encode(uint256 maxEntries)` with
     * `1 ≤ maxEntries ≤ MAX_ENTRIES`.
     */
    error InvalidCheckData(bytes checkData);

    /// @notice performData is not `abi.encode(uint256[] entries)` as {checkUpkeep} encodes it.
    error InvalidPerformData();

    /// @notice The asset has no failed pause to forget.
    error NoPauseBackoff(address target);

    /// @notice The asset is already paused.
    error AssetAlreadyPaused(address target);

    /// @notice The guard holds no such pause on the asset (nothing of it to lift).
    error NotHeld(address target, Hold hold);

    /// @notice The pause mode cannot change while the guard holds a pause on the asset.
    error AssetPauseHeld(address target);

    /**
     * @notice The target is a `SecureMintToken` whose own rules (reserve feed, heartbeat, margin) are not the
     * asset's: the token would mint by other rules than the guard pauses and unpauses by. Refused when an
     * asset is added or updated, and when it is unpaused (the token's rules may have changed since).
     * @param target the token
     * @param reserveFeed the token's reserve feed
     * @param heartbeat the token's heartbeat
     * @param marginMode the token's margin mode
     * @param marginAmount the token's margin amount
     */
    error TokenRulesMismatch(
        address target,
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    );

    /**
     * @notice The target declares itself a `SecureMintToken` (ERC-165) but its `reserveConfig()` cannot be read
     * (a revert, too little data, values out of range): its rules cannot be compared with the asset's.
     */
    error TokenRulesUnreadable(address target);

    /**
     * @notice Unpausing was refused: the asset is not shown to be backed (short, or stale under `Skip`).
     * @param target the asset
     * @param verdict the check's verdict
     * @param reason the rule that decided
     * @param reserves the reserve feed's answer
     * @param supply the supply read
     */
    error AssetNotBacked(
        address target,
        ReserveCheck.Verdict verdict,
        ReserveCheck.Reason reason,
        int256 reserves,
        int256 supply
    );

    /**
     * @notice Registers an asset. Admin only.
     * @param target the contract to pause on a shortfall
     * @param config the asset's feeds, rules and pause mode
     */
    function addAsset(address target, AssetConfig calldata config) external;

    /**
     * @notice Schedules a new configuration for an asset, applicable with {updateAsset} once the admin delay
     * (`defaultAdminDelay()`) has passed; replaces any change already scheduled. Admin only.
     * @dev The delay is what makes the unpause gate mean something against the admin: pointing an asset at
     * another feed, unpausing and pointing it back takes at least the delay, in public.
     * @param target the asset
     * @param config the new configuration (validated now, and again when applied)
     */
    function scheduleAssetUpdate(address target, AssetConfig calldata config) external;

    /**
     * @notice Schedules the removal of an asset, applicable with {removeAsset} once the admin delay has
     * passed; replaces any change already scheduled. Admin only.
     * @param target the asset
     */
    function scheduleAssetRemoval(address target) external;

    /**
     * @notice Cancels the change scheduled for an asset. Admin only.
     * @param target the asset
     */
    function cancelAssetChange(address target) external;

    /**
     * @notice Applies the scheduled configuration of an asset (the same `config`), once the delay has passed.
     * Admin only.
     * @param target the asset
     * @param config the configuration scheduled
     */
    function updateAsset(address target, AssetConfig calldata config) external;

    /**
     * @notice Applies the scheduled removal of an asset, once the delay has passed, leaving its target paused
     * or not as it is. Admin only.
     * @param target the asset
     */
    function removeAsset(address target) external;

    /**
     * @notice Hands the ownership of a contract the guard owns (an ACE `PausePolicy`: single-step `Ownable`, so
     * the guard owns it to pause it) to `newOwner`, through its `transferOwnership`. Refused while the contract is
     * a registered asset's target ({TargetRegistered}): remove the asset first, which waits the admin delay, in
     * public. Admin only.
     * @param target the contract
     * @param newOwner its new owner
     */
    function releaseOwnership(address target, address newOwner) external;

    /**
     * @notice The change scheduled for an asset: `keccak256(abi.encode(config))` of an update (its configuration
     * is in {AssetUpdateScheduled}), or `keccak256("ReserveGuard.removeAsset")` for a removal; from when and
     * until when it can be applied. All zero when none.
     * @param target the asset
     */
    function pendingAssetChange(address target) external view returns (DelayedChange.Pending memory);

    /**
     * @notice Pauses an asset by hand, whatever its reserves, and places the guardian's hold on it (also on an
     * asset already paused). Only a guardian lifts it ({liftGuardianPause}): an issuer's own incident pause
     * belongs here. The pause is given all the gas sent but what the guard needs afterwards; a refusal reverts
     * with the target's error. Guardian only.
     * @param target the asset
     */
    function pauseAsset(address target) external;

    /**
     * @notice Lifts the guardian's hold. If the upkeep holds no pause either, unpauses what the guard paused,
     * which needs the asset backed now and its pause state readable ({PauseStateUnreadable}). Guardian only.
     * @param target the asset
     */
    function liftGuardianPause(address target) external;

    /**
     * @notice Lifts the upkeep's hold (the pause it made for a shortfall), refused unless the check finds the
     * asset backed right now. If no guardian hold remains, unpauses what the guard paused, and only that: a
     * pause the target's owner made, before or apart from the guard's (or after lifting the guard's, when the
     * target says who paused what), stays; a target whose pause state cannot be read is refused
     * ({PauseStateUnreadable}), the hold kept. The unpause is given the gas sent. Unpauser only.
     * @param target the asset
     */
    function unpauseAsset(address target) external;

    /**
     * @notice The pauses the guard holds on an asset.
     * @param target the asset
     * @return upkeep whether the upkeep holds a pause (a shortfall)
     * @return guardian whether a guardian holds one
     * @return pausedByGuard the pause flags the guard switched on and has not lifted (`OPERATION_*` flags, or
     * 1 for a `Pausable` target)
     */
    function pauseHolds(address target) external view returns (bool upkeep, bool guardian, uint8 pausedByGuard);

    /**
     * @notice Forgets an asset's failed pauses, so that the next upkeep tries to pause it at once (say the
     * guard was just granted the pauser role it lacked). Guardian only.
     * @param target the asset
     */
    function clearPauseBackoff(address target) external;

    /**
     * @notice An asset's failed pauses in a row, and when the upkeep tries again (0, 0 when none).
     * @param target the asset
     */
    function pauseBackoff(address target) external view returns (uint8 failures, uint256 retryAfter);

    /**
     * @notice The decimals of an asset's reserve feed and supply source now, as every check reads them;
     * reverts with {DecimalsUnreadable} when one cannot be read.
     * @param target the asset
     */
    function assetDecimals(address target) external view returns (uint8 reserveDecimals, uint8 supplyDecimals);

    /**
     * @notice The gas {performUpkeep} must have left to take up this asset: its check, with every read given
     * its full bound, and its pause with the asset's `pauseGas`. A perform gas limit below it (plus the
     * forwarder's own cost) never pauses the asset.
     * @param target the asset
     */
    function performGasNeeded(address target) external view returns (uint256);

    /// @notice The number of registered assets.
    function assetCount() external view returns (uint256);

    /**
     * @notice The asset at a registry position (positions change when an asset is removed).
     * @param index a position below {assetCount}
     * @return target the asset's pause target
     * @return config its configuration
     */
    function assetAt(uint256 index) external view returns (address target, AssetConfig memory config);

    /**
     * @notice An asset's configuration.
     * @param target the asset
     */
    function assetConfig(address target) external view returns (AssetConfig memory);

    /**
     * @notice Runs the reserve check for an asset now.
     * @param target the asset
     */
    function assetStatus(address target) external view returns (ReserveCheck.Result memory);

    /**
     * @notice Whether every pause the asset is configured for is in force on its target.
     * @param target the asset
     */
    function isAssetPaused(address target) external view returns (bool);
}
