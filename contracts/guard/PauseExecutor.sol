// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {PauseTarget} from "../libraries/PauseTarget.sol";
import {ReserveCheck} from "../libraries/ReserveCheck.sol";
import {AssetRegistry} from "./AssetRegistry.sol";

/**
 * @title PauseExecutor
 * @notice How a {ReserveGuard} pauses and unpauses its assets' targets, and what it remembers of it.
 *
 * Whether an asset is paused is read from its target ({PauseTarget}), never remembered: once paused it no
 * longer asks for upkeep, and if someone unpauses the target directly while it is short, the next upkeep
 * pauses it again. What the guard remembers, in each {AssetRegistry-Asset} (`upkeepHold`, `guardianHold`,
 * `pausedByGuard`, `failures`, `retryAfter`, written only here), is who holds its pause (the upkeep for a
 * shortfall, a guardian by hand) and which pause flags it switched on itself, so that it only ever undoes its
 * own pauses; and the pauses that failed, so that a target that refuses is retried with a growing delay
 * instead of every block.
 *
 * Access control is the inheriting contract's: every function here that pauses or unpauses is internal.
 */
abstract contract PauseExecutor is Context, AssetRegistry {
    /**
     * @notice After a pause of an asset fails, the upkeep leaves that asset alone for this long before it
     * tries again, and twice as long after each further failure, up to {PAUSE_RETRY_MAX_DELAY}. A guard
     * without the pauser role on a target (or a target that refuses) thus costs a few attempts and then
     * one a day, not one every block, while every other asset is still acted on at once.
     */
    uint256 public constant PAUSE_RETRY_DELAY = 60;

    /// @notice The longest wait between two attempts to pause an asset whose pause keeps failing.
    uint256 public constant PAUSE_RETRY_MAX_DELAY = 1 days;

    /**
     * @dev What a pause or an unpause costs besides its call: the read of the pause state after it (its
     * bounded gas, with the 1/64 a call keeps back), the record and the events (an {AssetPauseFailed} carries
     * up to 256 bytes).
     */
    uint256 internal constant GAS_AFTER_PAUSE_CALL = (PauseTarget.STATE_READ_GAS * 64) / 63 + 30_000;

    // ---------------------------------------------------------------- pausing

    /**
     * @dev The upkeep's pause of a short asset that is not fully paused (`pausedBefore`: the flags in force):
     * the flags missing are paused with the asset's `pauseGas`. On success the upkeep's hold is recorded
     * ({AssetPaused}); on failure the asset backs off ({AssetPauseFailed}, {AssetPauseBackoff}). Never
     * reverts: one target cannot stop the upkeep from pausing the others.
     */
    function _pauseForShortfall(
        address target,
        Asset storage asset,
        ReserveCheck.Result memory result,
        uint8 pausedBefore
    ) internal {
        (bool paused, bytes memory error_) = _pause(target, asset, pausedBefore, asset.pauseGas);
        if (!paused) return _pauseFailed(target, asset, result.reason, error_);
        _hold(asset, Hold.Upkeep, _flagsOf(asset) & ~pausedBefore);
        emit AssetPaused(target, result.reason, result.reserves, result.supply);
    }

    /**
     * @dev The upkeep could not pause a short asset: reported with the pause's error, and the asset backs off
     * (its next attempt after {PAUSE_RETRY_DELAY}, doubled with every failure in a row, at most
     * {PAUSE_RETRY_MAX_DELAY}).
     */
    function _pauseFailed(
        address target,
        Asset storage asset,
        ReserveCheck.Reason reason,
        bytes memory error_
    ) internal {
        emit AssetPauseFailed(target, reason, error_);
        uint8 failures = asset.failures;
        if (failures < type(uint8).max) ++failures;
        // 2^11 minutes is past a day: the shift never overflows and the cap applies from the 12th failure.
        uint256 delay = failures > 12 ? PAUSE_RETRY_MAX_DELAY : PAUSE_RETRY_DELAY << (failures - 1);
        if (delay > PAUSE_RETRY_MAX_DELAY) delay = PAUSE_RETRY_MAX_DELAY;
        uint32 retryAfter = uint32(block.timestamp + delay);
        asset.failures = failures;
        asset.retryAfter = retryAfter;
        emit AssetPauseBackoff(target, failures, retryAfter);
    }

    /**
     * @dev A guardian's pause, whatever the reserves: the guardian's hold is placed, also on an asset already
     * paused (by the upkeep, or by someone else). The pause is given all the gas the guardian sent but what
     * the guard needs afterwards, and a refusal reverts with the target's error.
     */
    function _pauseByGuardian(address target) internal {
        Asset storage asset = _registered(target);
        if (asset.guardianHold) revert AssetAlreadyPaused(target);
        uint8 pausedBefore = _pausedFlags(target, asset);
        // A pause in force that stops nothing (an ACE policy its engine no longer runs first) is no pause to hold:
        // `_pause` refuses it.
        if (pausedBefore != _flagsOf(asset) || !_policyInPlace(target, asset)) {
            (bool paused, bytes memory error_) = _pause(target, asset, pausedBefore, _forwardableGas());
            if (!paused) LowLevelCall.bubbleRevert(error_);
        }
        _hold(asset, Hold.Guardian, _flagsOf(asset) & ~pausedBefore);
        emit AssetPausedByGuardian(target, _msgSender());
    }

    /**
     * @dev Pauses the flags of the asset not in force (`pausedBefore`) with `gasLimit` gas ({PauseTarget}),
     * then reads its state: a call that returns but leaves the target not fully paused (a non-reverting
     * fallback, a pause that does nothing) fails with {PauseNotInForce} as its error. An ACE `PausePolicy` that
     * its token's engine no longer runs first on `mint` fails with {PausePolicyNotFirst} before any call: pausing
     * it would stop nothing.
     * @return paused whether every flag of the asset is in force afterwards
     * @return error_ the call's revert data (its first bytes) when it did not
     */
    function _pause(
        address target,
        Asset storage asset,
        uint8 pausedBefore,
        uint256 gasLimit
    ) private returns (bool paused, bytes memory error_) {
        if (!_policyInPlace(target, asset)) {
            return (false, abi.encodeWithSelector(PausePolicyNotFirst.selector, target, asset.supplySource));
        }
        uint8 flags = _flagsOf(asset);
        bool called;
        (called, error_) = PauseTarget.pause(target, asset.pauseMode, flags & ~pausedBefore, gasLimit);
        if (!called) return (false, error_);
        if (_pausedFlags(target, asset) != flags) return (false, abi.encodeWithSelector(PauseNotInForce.selector, target));
        return (true, "");
    }

    /**
     * @dev Records a hold just placed: the hold, and the flags the guard switched on (`switchedOn`: those it
     * paused, not those in force before). Forgets any failed pauses.
     */
    function _hold(Asset storage asset, Hold hold, uint8 switchedOn) private {
        if (hold == Hold.Upkeep) asset.upkeepHold = true;
        else asset.guardianHold = true;
        asset.pausedByGuard |= switchedOn;
        asset.failures = 0;
        asset.retryAfter = 0;
    }

    // ---------------------------------------------------------------- unpausing

    /**
     * @dev Lifts a hold. When the other hold remains, the target stays paused ({PauseHoldLifted}). When none
     * remains, the flags the guard switched on and that are still in force, and not since paused by someone
     * else ({PauseTarget-pausedByOthers}), are lifted ({AssetUnpaused}), and
     * that needs the asset backed now ({_requireBacked}). The upkeep's hold needs it backed either way:
     * lifting it says the shortfall is over. The unpause is given all the gas the caller sent but what the
     * guard needs afterwards, and a refusal reverts with the target's error.
     */
    function _liftHold(address target, Hold hold) internal {
        Asset storage asset = _registered(target);
        if (hold == Hold.Upkeep ? !asset.upkeepHold : !asset.guardianHold) revert NotHeld(target, hold);
        if (hold == Hold.Upkeep) asset.upkeepHold = false;
        else asset.guardianHold = false;
        bool stillHeld = asset.upkeepHold || asset.guardianHold;
        ReserveCheck.Result memory result;
        if (hold == Hold.Upkeep || !stillHeld) result = _requireBacked(target, asset);
        if (stillHeld) {
            emit PauseHoldLifted(target, _msgSender(), hold);
            return;
        }
        // Which of its pauses are still in force: a state it cannot read is refused, not taken for "none",
        // or the guard would forget its pauses and report the asset unpaused while the target stays paused.
        (bool readable, uint8 pausedNow) = PauseTarget.readState(target, asset.pauseMode);
        if (!readable) revert PauseStateUnreadable(target, asset.pauseMode);
        // A flag the guard switched on but someone else holds now (they lifted the guard's pause and paused
        // again, for a reason of their own) is no longer the guard's to lift.
        uint8 lift = asset.pausedByGuard & pausedNow;
        lift &= ~PauseTarget.pausedByOthers(target, asset.pauseMode, lift, address(this));
        asset.pausedByGuard = 0;
        if (lift != 0) {
            (bool unpaused, bytes memory error_) = PauseTarget.unpause(target, asset.pauseMode, lift, _forwardableGas());
            if (!unpaused) LowLevelCall.bubbleRevert(error_);
        }
        emit AssetUnpaused(target, _msgSender(), result.reserves, result.supply);
    }

    /// @dev The gate of every unpause: the check now; reverts unless the asset is backed.
    function _requireBacked(
        address target,
        Asset storage asset
    ) internal view virtual returns (ReserveCheck.Result memory);

    /// @dev Forgets an asset's failed pauses, so that the next upkeep tries at once.
    function _clearPauseBackoff(address target) internal {
        Asset storage asset = _registered(target);
        if (asset.failures == 0) revert NoPauseBackoff(target);
        asset.failures = 0;
        asset.retryAfter = 0;
        emit AssetPauseBackoffCleared(target, _msgSender());
    }

    // ---------------------------------------------------------------- registry hooks

    /// @dev The pause mode cannot change under a hold (the guard could not lift its pause); failures are forgotten.
    function _beforeAssetUpdate(address target, AssetConfig calldata next) internal override {
        Asset storage asset = _assetOf(target);
        if ((asset.upkeepHold || asset.guardianHold) && asset.pauseMode != next.pauseMode) {
            revert AssetPauseHeld(target);
        }
        asset.failures = 0;
        asset.retryAfter = 0;
    }

    // ---------------------------------------------------------------- reading

    /**
     * @dev Which of the asset's flags are in force on its target now. A target whose state cannot be read
     * counts as not paused, so the guard tries to pause it, and reports {AssetPauseFailed} when the pause does
     * not show.
     */
    function _pausedFlags(address target, Asset storage asset) internal view returns (uint8) {
        return PauseTarget.pausedFlags(target, asset.pauseMode, _flagsOf(asset));
    }

    /// @dev Whether the upkeep is to leave the asset alone for now, its last pauses having failed.
    function _backingOff(Asset storage asset) internal view returns (bool) {
        return asset.retryAfter > block.timestamp;
    }

    /**
     * @dev The gas a pause needs when the upkeep makes it: its call, with the 1/64 a call keeps back, and after;
     * for an ACE `PausePolicy`, the check that its engine runs it first too.
     */
    function _pauseGasNeeded(Asset storage asset) internal view returns (uint256) {
        uint256 needed = (uint256(asset.pauseGas) * 64) / 63 + GAS_AFTER_PAUSE_CALL;
        if (asset.pauseMode == PauseMode.AcePausePolicy) needed += PauseTarget.POLICY_CHECK_GAS;
        return needed;
    }

    /**
     * @dev Whether the asset's pause, once in force, stops what it is meant to: always, but for an ACE
     * `PausePolicy`, which must be the first policy its token's engine runs on `mint` ({PauseTarget-policyFirstOnMint}).
     */
    function _policyInPlace(address target, Asset storage asset) internal view returns (bool) {
        return asset.pauseMode != PauseMode.AcePausePolicy || PauseTarget.policyFirstOnMint(target, asset.supplySource);
    }

    /// @dev All the gas left but what the guard needs after a pause or unpause call: a human's call gets it.
    function _forwardableGas() private view returns (uint256) {
        uint256 left = gasleft();
        return left > GAS_AFTER_PAUSE_CALL ? left - GAS_AFTER_PAUSE_CALL : 0;
    }

    /// @inheritdoc IReserveGuard
    function pauseHolds(
        address target
    ) external view override returns (bool upkeep, bool guardian, uint8 pausedByGuard) {
        Asset storage asset = _registered(target);
        return (asset.upkeepHold, asset.guardianHold, asset.pausedByGuard);
    }

    /// @inheritdoc IReserveGuard
    function pauseBackoff(address target) external view override returns (uint8 failures, uint256 retryAfter) {
        Asset storage asset = _registered(target);
        return (asset.failures, asset.retryAfter);
    }

    /// @inheritdoc IReserveGuard
    function isAssetPaused(address target) external view override returns (bool) {
        Asset storage asset = _registered(target);
        return _pausedFlags(target, asset) == _flagsOf(asset) && _policyInPlace(target, asset);
    }
}
