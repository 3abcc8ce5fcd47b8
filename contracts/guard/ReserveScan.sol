// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {PauseTarget} from "../libraries/PauseTarget.sol";
import {ReserveCheck} from "../libraries/ReserveCheck.sol";
import {PauseExecutor} from "./PauseExecutor.sol";

/**
 * @title ReserveScan
 * @notice How a {ReserveGuard} judges its assets and finds the ones to pause: the reserve check of an asset
 * ({ReserveCheck}, every read bounded), the scan behind `checkUpkeep` (the short assets that are neither
 * paused nor backing off, in registry order, at most `maxEntries`), and the perform path behind
 * `performUpkeep` and `onReport`, which trusts nothing it is given and keeps within its gas.
 *
 * A list of entries (performData, a CRE report) is `abi.encode(uint256[] entries)`, one entry per asset:
 * `uint256(uint160(target)) | index << 160`. The registry index is informational: an asset is found by its
 * target.
 */
abstract contract ReserveScan is PauseExecutor {
    /**
     * @notice The performData an Automation registry accepts: `maxPerformDataSize` is 2,000 bytes on Ethereum
     * and Arbitrum (less on some chains). A registry refuses a longer one and then performs nothing at all.
     */
    uint256 public constant MAX_PERFORM_DATA_SIZE = 2_000;

    /**
     * @notice The most entries a check may be asked for: performData is `64 + 32 × entries` bytes (the array's
     * offset and length, then one word per entry), and `(2,000 − 64) / 32` is 60.
     */
    uint256 public constant MAX_ENTRIES = (MAX_PERFORM_DATA_SIZE - 64) / 32;

    /**
     * @notice The most entries a check returns when its `checkData` is empty: 576 bytes of performData, inside
     * every Automation registry's `maxPerformDataSize`. With 64 assets short at once, four upkeeps pause them.
     */
    uint256 public constant DEFAULT_MAX_ENTRIES = 16;

    /**
     * @dev The gas one asset's check can take, at most: its four reads (decimals and answer of the reserve feed
     * and of the supply) and the read of its pause state, each given its full bound (with the 1/64 a call
     * keeps back), and the storage reads and rules around them.
     */
    uint256 private constant CHECK_GAS =
        ((2 * ReserveCheck.DECIMALS_READ_GAS + 2 * ReserveCheck.READ_GAS + PauseTarget.STATE_READ_GAS) * 64) / 63 +
            30_000;

    /**
     * @notice The gas {performUpkeep} must have left to take up another asset: its check, each read given its
     * full bound, and its pause with `MIN_PAUSE_GAS` (an asset with more pause gas needs more:
     * `performGasNeeded`). Below it, a perform stops and leaves the rest to the next one, so that no read and
     * no pause is ever starved into a failure of the guard's own making: a feed call starved of gas would fail
     * like a reverting feed, which the rules count as short.
     */
    uint256 public constant MIN_GAS_PER_ASSET = CHECK_GAS + (uint256(MIN_PAUSE_GAS) * 64) / 63 + GAS_AFTER_PAUSE_CALL;

    /// @dev The mask of an entry's target: its low 160 bits.
    uint256 private constant TARGET_MASK = type(uint160).max;

    // ---------------------------------------------------------------- the check

    /// @dev The reserve check of an asset now, every feed and supply read bounded ({ReserveCheck}).
    function _check(Asset storage asset) internal view returns (ReserveCheck.Result memory) {
        ReserveCheck.Reading memory reserve = ReserveCheck.readFeed(asset.reserveFeed);
        ReserveCheck.Reading memory supply = asset.supplyKind == SupplyKind.SupplyFeed
            ? ReserveCheck.readFeed(asset.supplySource)
            : ReserveCheck.readTokenSupply(asset.supplySource);
        ReserveCheck.Rules memory rules = ReserveCheck.Rules({
            heartbeat: asset.heartbeat,
            supplyHeartbeat: asset.supplyHeartbeat,
            stalePolicy: asset.stalePolicy,
            marginMode: asset.marginMode,
            marginAmount: 0
        });
        // The amount's slot is read only when the mode has an amount (it is 0 for `None`).
        if (asset.marginMode != ReserveCheck.MarginMode.None) rules.marginAmount = asset.marginAmount;
        return ReserveCheck.evaluate(reserve, supply, rules, 0, block.timestamp);
    }

    /// @dev The unpause gate: backed now by the guard's rules, and (a `SecureMintToken`) minting by the same.
    function _requireBacked(
        address target,
        Asset storage asset
    ) internal view override returns (ReserveCheck.Result memory result) {
        result = _check(asset);
        if (result.verdict != ReserveCheck.Verdict.Backed) {
            revert AssetNotBacked(target, result.verdict, result.reason, result.reserves, result.supply);
        }
        _requireTokenRules(target, asset);
    }

    // ---------------------------------------------------------------- checkUpkeep

    /// @dev How many entries a check may return, from its `checkData`: empty, or `abi.encode(uint256)`.
    function _maxEntries(bytes calldata checkData) internal pure returns (uint256 maxEntries) {
        if (checkData.length == 0) return DEFAULT_MAX_ENTRIES;
        if (checkData.length == 32) maxEntries = abi.decode(checkData, (uint256));
        if (maxEntries == 0 || maxEntries > MAX_ENTRIES) revert InvalidCheckData(checkData);
    }

    /**
     * @dev The entries of the first `maxEntries` assets, in registry order, that are short, not backing off and
     * not fully paused. The scan stops there: the rest wait for the next check. Healthy assets, the usual
     * case, cost their check and nothing else.
     */
    function _scan(uint256 maxEntries) internal view returns (bool upkeepNeeded, bytes memory performData) {
        uint256 count = _assetCount();
        uint256[] memory found = new uint256[](maxEntries);
        uint256 listed = 0;
        for (uint256 i = 0; i < count && listed < maxEntries; ++i) {
            address target = _targetAt(i);
            Asset storage asset = _assetOf(target);
            if (
                _check(asset).verdict == ReserveCheck.Verdict.Short &&
                !_backingOff(asset) &&
                _pausedFlags(target, asset) != _flagsOf(asset)
            ) {
                found[listed] = uint256(uint160(target)) | (i << 160);
                ++listed;
            }
        }
        if (listed == 0) return (false, "");
        uint256[] memory entries = new uint256[](listed);
        for (uint256 i = 0; i < listed; ++i) entries[i] = found[i];
        return (true, abi.encode(entries));
    }

    // ---------------------------------------------------------------- performUpkeep and onReport

    /**
     * @dev Pauses the listed assets that are, on-chain and right now, registered, short, not backing off and
     * not fully paused; ignores every other entry (unknown, backed, skipped, paused, duplicated), so a stale
     * or forged list does nothing wrong. A pause that fails is reported and backs off instead of reverting
     * the list.
     *
     * Gas: an asset is taken up only with {MIN_GAS_PER_ASSET} left, and paused only with the gas its pause
     * needs left, so that no call is starved. What happens short of either depends on who chose the gas:
     *
     * - `wholeList` false ({performUpkeep}): the gas is the upkeep's limit, which Automation's registry sets and
     *   no one else can lower. The perform stops ({PerformGasExhausted}): the assets it did not reach are still
     *   short and unpaused, so the next check lists them first and the next perform, starting with its whole
     *   gas, takes them up. An asset whose check and pause need more than the whole perform had can never be
     *   paused by it: that is a failed pause ({PauseGasUnavailable}), which backs off, rather than a stop at the
     *   same asset every time.
     * - `wholeList` true ({onReport}): the gas is whatever the sender of the signed report chose, and anyone may
     *   send it; a delivery that returns is final. So the report reverts ({ReportGasExhausted}) instead of
     *   stopping, or of failing a pause for want of gas: `KeystoneForwarder` then records it as failed, and the
     *   DON (or anyone) delivers it again with the gas it needs. It never returns having done less than its list.
     * @param performData `abi.encode(uint256[] entries)`, each `uint256(uint160(target)) | index << 160`
     * @param wholeList revert rather than stop short for want of gas (see above)
     */
    function _perform(bytes calldata performData, bool wholeList) internal {
        uint256 count = _entryCount(performData);
        uint256 available = gasleft();
        for (uint256 i = 0; i < count; ++i) {
            if (gasleft() < MIN_GAS_PER_ASSET) {
                if (wholeList) revert ReportGasExhausted(i, MIN_GAS_PER_ASSET, gasleft());
                emit PerformGasExhausted(i, count);
                return;
            }
            address target = _entryTarget(performData, i);
            Asset storage asset = _assetOf(target);
            if (!_isRegistered(asset)) continue;
            ReserveCheck.Result memory result = _check(asset);
            if (result.verdict != ReserveCheck.Verdict.Short || _backingOff(asset)) continue;
            uint8 pausedBefore = _pausedFlags(target, asset);
            if (pausedBefore == _flagsOf(asset)) continue;
            uint256 pauseGasNeeded = _pauseGasNeeded(asset);
            if (gasleft() < pauseGasNeeded) {
                if (wholeList) revert ReportGasExhausted(i, pauseGasNeeded, gasleft());
                if (CHECK_GAS + pauseGasNeeded <= available) {
                    // The next perform takes this asset up first, with all its gas: it fits then.
                    emit PerformGasExhausted(i, count);
                    return;
                }
                _pauseFailed(
                    target,
                    asset,
                    result.reason,
                    abi.encodeWithSelector(PauseGasUnavailable.selector, target, CHECK_GAS + pauseGasNeeded, available)
                );
                continue;
            }
            _pauseForShortfall(target, asset, result, pausedBefore);
        }
    }

    /**
     * @dev The number of entries of a list, `abi.encode(uint256[] entries)` exactly as {_scan} encodes it
     * (offset 32, length, entries, nothing after); anything else reverts with {InvalidPerformData}. Read in
     * place: the entries are not copied to memory.
     */
    function _entryCount(bytes calldata performData) private pure returns (uint256 count) {
        uint256 length = performData.length;
        if (length < 64) revert InvalidPerformData();
        uint256 offset = uint256(bytes32(performData[0:32]));
        count = uint256(bytes32(performData[32:64]));
        // `count` is compared before it is multiplied: an absurd count cannot overflow the product.
        if (offset != 32 || count > (length - 64) / 32 || length != 64 + 32 * count) revert InvalidPerformData();
    }

    /// @dev The target named by entry `index` of a list validated by {_entryCount}, its index bits dropped.
    function _entryTarget(bytes calldata performData, uint256 index) private pure returns (address) {
        uint256 start = 64 + 32 * index;
        return address(uint160(uint256(bytes32(performData[start:start + 32])) & TARGET_MASK));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReserveGuard
    function assetStatus(address target) external view override returns (ReserveCheck.Result memory) {
        return _check(_registered(target));
    }

    /// @inheritdoc IReserveGuard
    function assetDecimals(
        address target
    ) external view override returns (uint8 reserveDecimals, uint8 supplyDecimals) {
        Asset storage asset = _registered(target);
        bool ok;
        (ok, reserveDecimals) = ReserveCheck.readDecimals(asset.reserveFeed);
        if (!ok) revert DecimalsUnreadable(asset.reserveFeed);
        (ok, supplyDecimals) = ReserveCheck.readDecimals(asset.supplySource);
        if (!ok) revert DecimalsUnreadable(asset.supplySource);
    }

    /// @inheritdoc IReserveGuard
    function performGasNeeded(address target) external view override returns (uint256) {
        return CHECK_GAS + _pauseGasNeeded(_registered(target));
    }
}
