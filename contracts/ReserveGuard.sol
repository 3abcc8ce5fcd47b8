// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {ILogAutomation, Log} from "@chainlink/contracts/src/v0.8/automation/interfaces/ILogAutomation.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {IReserveGuard} from "./interfaces/IReserveGuard.sol";
import {IOperationsPausable, ALL_OPERATIONS} from "./interfaces/IOperationsPausable.sol";
import {IPausable} from "./interfaces/IPausable.sol";
import {PauseTarget} from "./libraries/PauseTarget.sol";
import {ReserveCheck} from "./libraries/ReserveCheck.sol";

/**
 * @title ReserveGuard
 * @notice A Chainlink Automation upkeep that pauses protected assets whose proof of reserve shows a
 * shortfall, judged by {ReserveCheck}.
 *
 * - Conditional trigger: {checkUpkeep} scans every registered asset and returns, in `performData`, the
 *   assets that are short and not yet paused.
 * - Log trigger: {checkLog} does the same scan when a feed emits `AnswerUpdated`, so a shortfall reported
 *   by a feed update is acted on in the next block instead of the next polling cycle.
 * - {performUpkeep} trusts nothing in `performData`: it re-checks every listed target on-chain and pauses
 *   only those registered, still short and not yet paused. One {AssetPaused} event per paused asset.
 *
 * Whether an asset is paused is read from its target, not remembered here: once paused it no longer asks
 * for upkeep (no flicker), and if someone unpauses the target directly while it is still short, the next
 * upkeep pauses it again. Unpausing through the guard ({unpauseAsset}) is a human decision, refused unless
 * the check finds the asset backed.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE`: registers, updates and removes assets; grants every role, including
 *   `FORWARDER_ROLE`.
 * - `FORWARDER_ROLE`: may call {performUpkeep}. Grant it to the Automation forwarder of each upkeep
 *   registered on this contract (a conditional and a log-trigger upkeep have one forwarder each).
 * - `GUARDIAN_ROLE`: pauses an asset by hand ({pauseAsset}), whatever its reserves.
 * - `UNPAUSER_ROLE`: unpauses an asset ({unpauseAsset}) once it is backed.
 *
 * Why only forwarders may perform: the guard is a kill switch on someone else's asset, so it is pulled
 * only by parties the issuer chose (the upkeeps' forwarders, and guardians by hand). Letting anyone call
 * it would be safe against forged `performData` (everything is re-checked) and against gas games (a
 * starved feed call would look like a reverting feed, but {MIN_GAS_PER_ASSET} leaves every call ample
 * gas). It would add no liveness, since Automation calls it anyway, and it would let any third party act
 * first on every fail-closed condition, such as a feed one second past its heartbeat or a transient
 * revert during a feed migration.
 */
contract ReserveGuard is IReserveGuard, AutomationCompatibleInterface, ILogAutomation, AccessControl {
    /// @notice May call {performUpkeep}: the Automation forwarders.
    bytes32 public constant FORWARDER_ROLE = keccak256("FORWARDER_ROLE");
    /// @notice May pause an asset by hand.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @notice May unpause a backed asset.
    bytes32 public constant UNPAUSER_ROLE = keccak256("UNPAUSER_ROLE");

    /**
     * @notice The most assets one guard protects, so that a full scan stays well inside Automation's
     * 5,000,000-gas check limit (see bench/results/gas.json for the measured cost per asset).
     */
    uint256 public constant MAX_ASSETS = 64;

    /**
     * @notice The most entries a check returns when its `checkData` is empty: 576 bytes of performData, well
     * inside every Automation registry's `maxPerformDataSize`, and about 1,000,000 gas to perform. With 64
     * assets short at once, four upkeeps pause them all.
     */
    uint256 public constant DEFAULT_MAX_ENTRIES = 16;

    /**
     * @notice The gas {performUpkeep} must have left to take up another asset: the check (every feed and
     * supply call is given all the gas there is, since a call starved of gas fails like a reverting feed,
     * which the rules count as short) and the pause. Below it, it stops and leaves the rest to the next
     * upkeep, so a list longer than the gas limit allows still makes progress instead of reverting whole.
     */
    uint256 public constant MIN_GAS_PER_ASSET = 250_000;

    /**
     * @dev The gas a pause needs when it is made: the call's {PauseTarget-CALL_GAS} and the read of the
     * pause state afterwards, each with the 1/64 a call keeps back, and the events and bookkeeping. With
     * less, {performUpkeep} stops before the call rather than starve it into a failure of its own making.
     */
    uint256 private constant PAUSE_GAS_NEEDED = 150_000;

    /**
     * @notice After a pause of an asset fails, the upkeep leaves that asset alone for this long before it
     * tries again, and twice as long after each further failure, up to {PAUSE_RETRY_MAX_DELAY}. A guard
     * without the pauser role on a target (or a target that refuses) thus costs a few attempts and then
     * one a day, not one every block, while every other asset is still acted on at once.
     */
    uint256 public constant PAUSE_RETRY_DELAY = 60;

    /// @notice The longest wait between two attempts to pause an asset whose pause keeps failing.
    uint256 public constant PAUSE_RETRY_MAX_DELAY = 1 days;

    /// @notice `topic0` of `AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)`.
    bytes32 public constant ANSWER_UPDATED_TOPIC = keccak256("AnswerUpdated(int256,uint256,uint256)");

    /**
     * @dev The first storage slot of an asset: the target and every rule parameter. `supplyFromTarget`
     * marks the usual case where the supply is the target's own `totalSupply()`, so that the slot holding
     * `supplySource` need not be read.
     */
    struct AssetHead {
        address target;
        uint32 heartbeat;
        uint16 marginBps;
        ReserveCheck.StalePolicy stalePolicy;
        SupplyKind supplyKind;
        PauseMode pauseMode;
        uint8 operations;
        bool supplyFromTarget;
    }

    /// @dev An asset as stored: three slots, of which a check reads two or three.
    struct StoredAsset {
        AssetHead head;
        address reserveFeed;
        address supplySource;
    }

    /// @dev An asset as worked on in memory.
    struct Asset {
        address target;
        uint32 heartbeat;
        uint16 marginBps;
        ReserveCheck.StalePolicy stalePolicy;
        SupplyKind supplyKind;
        PauseMode pauseMode;
        uint8 operations;
        address reserveFeed;
        address supplySource;
    }

    /// @dev The registry: indices 0 to `_assetCount - 1`. A mapping rather than an array, so that reading a
    /// performData entry's index hint needs no bounds check (an index past the end reads an empty asset).
    mapping(uint256 index => StoredAsset) private _assets;
    uint256 private _assetCount;
    mapping(address target => uint256 position) private _positions; // index + 1; 0 = not registered

    /// @dev An asset whose pause failed: how many times in a row, and when the upkeep may try again.
    struct Backoff {
        uint8 failures;
        uint40 retryAfter;
    }

    mapping(address target => Backoff) private _backoffs;

    /// @notice The admin address is the zero address.
    error InvalidAdmin();

    /// @notice No asset at this registry index.
    error IndexOutOfRange(uint256 index);

    /**
     * @param admin receives `DEFAULT_ADMIN_ROLE`
     */
    constructor(address admin) {
        if (admin == address(0)) revert InvalidAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- Automation

    /**
     * @notice Lists the registered assets that are short and not yet paused, at most `maxEntries` of them,
     * in registry order. The rest are listed by the next check, once these are paused (or backing off).
     * @dev Simulated off-chain by Automation nodes. An Automation registry refuses performData longer than
     * its `maxPerformDataSize` (2,000 bytes on Ethereum and Arbitrum, less on some chains) and then performs
     * nothing at all: the bound keeps a correlated shortfall (every feed stale at once) within it.
     * @param checkData empty for {DEFAULT_MAX_ENTRIES}, or `abi.encode(uint256 maxEntries)` with
     * `1 ≤ maxEntries ≤ MAX_ASSETS`; performData is then `64 + 32 × maxEntries` bytes at most. Anything else
     * reverts with {InvalidCheckData}.
     * @return upkeepNeeded whether at least one asset needs pausing
     * @return performData `abi.encode(uint256[] entries)` when `upkeepNeeded`, else empty: one entry per
     * asset, `uint256(uint160(target)) | index << 160` (the registry index is a hint that spares
     * {performUpkeep} a lookup)
     */
    function checkUpkeep(
        bytes calldata checkData
    ) external view override returns (bool upkeepNeeded, bytes memory performData) {
        return _scan(_maxEntries(checkData));
    }

    /**
     * @notice Log trigger: on a feed's `AnswerUpdated`, lists the assets that are short and not yet paused.
     * @dev The log only wakes the guard up; nothing in it is trusted. Every asset is re-read rather than
     * matched on `log.source`: a Chainlink feed proxy's `AnswerUpdated` comes from its current aggregator,
     * not from the proxy address an asset is configured with. Other events give no upkeep.
     * @param log the triggering log
     * @param checkData as for {checkUpkeep}
     * @return upkeepNeeded whether at least one asset needs pausing
     * @return performData as for {checkUpkeep}
     */
    function checkLog(
        Log calldata log,
        bytes calldata checkData
    ) external view override returns (bool upkeepNeeded, bytes memory performData) {
        uint256 maxEntries = _maxEntries(checkData);
        if (log.topics.length != 3 || log.topics[0] != ANSWER_UPDATED_TOPIC) return (false, "");
        return _scan(maxEntries);
    }

    /**
     * @notice Pauses the listed assets that are, on-chain and right now, registered, short and not paused.
     * @dev `performData` is untrusted: unknown, backed, skipped and already paused targets are ignored, so a
     * stale or duplicated list does nothing wrong. Each entry names a target; its index part is only a hint,
     * used when the asset at that index is that target and looked up by target otherwise. A pause call that
     * reverts emits {AssetPauseFailed} instead of reverting the whole upkeep. With less than
     * {MIN_GAS_PER_ASSET} left it stops ({PerformGasExhausted}). Forwarders only (see the contract
     * documentation).
     * @param performData `abi.encode(uint256[] entries)`, each `uint256(uint160(target)) | index << 160`
     */
    function performUpkeep(
        bytes calldata performData
    ) external override(AutomationCompatibleInterface, ILogAutomation) onlyRole(FORWARDER_ROLE) {
        uint256[] memory entries = abi.decode(performData, (uint256[]));
        for (uint256 i = 0; i < entries.length; ++i) {
            if (gasleft() < MIN_GAS_PER_ASSET) {
                // Out of budget: the rest stay short and unpaused, so the next upkeep lists them again.
                emit PerformGasExhausted(i, entries.length);
                return;
            }
            address target = address(uint160(entries[i]));
            if (target == address(0)) continue; // never registered; would match an empty index
            uint256 index = entries[i] >> 160;
            StoredAsset storage stored = _assets[index];
            if (stored.head.target != target) {
                uint256 position = _positions[target];
                if (position == 0) continue;
                index = position - 1;
                stored = _assets[index];
            }
            Asset memory asset = _load(stored);
            ReserveCheck.Result memory result = _evaluate(asset);
            if (result.verdict != ReserveCheck.Verdict.Short) continue;
            if (_backingOff(target)) continue;
            (bool fullyPaused, ) = _pauseState(asset);
            if (fullyPaused) continue;
            if (gasleft() < PAUSE_GAS_NEEDED) {
                // A heavy check left too little for the pause: the asset is left to the next upkeep.
                emit PerformGasExhausted(i, entries.length);
                return;
            }
            (bool paused, bytes memory error_) = _pause(asset);
            if (paused) {
                _clearBackoff(target);
                emit AssetPaused(target, result.reason, result.reserves, result.supply);
            } else {
                emit AssetPauseFailed(target, result.reason, error_);
                _backOff(target);
            }
        }
    }

    // ---------------------------------------------------------------- guardian and unpauser

    /// @inheritdoc IReserveGuard
    function pauseAsset(address target) external override onlyRole(GUARDIAN_ROLE) {
        Asset memory asset = _asset(target);
        (bool fullyPaused, ) = _pauseState(asset);
        if (fullyPaused) revert AssetAlreadyPaused(target);
        (bool paused, bytes memory error_) = _pause(asset);
        if (!paused) LowLevelCall.bubbleRevert(error_);
        _clearBackoff(target);
        emit AssetPausedByGuardian(target, _msgSender());
    }

    /// @inheritdoc IReserveGuard
    function clearPauseBackoff(address target) external override onlyRole(GUARDIAN_ROLE) {
        _asset(target);
        if (_backoffs[target].failures == 0) revert NoPauseBackoff(target);
        delete _backoffs[target];
        emit AssetPauseBackoffCleared(target, _msgSender());
    }

    /// @inheritdoc IReserveGuard
    function unpauseAsset(address target) external override onlyRole(UNPAUSER_ROLE) {
        Asset memory asset = _asset(target);
        (, bool anyPaused) = _pauseState(asset);
        if (!anyPaused) revert AssetNotPaused(target);
        ReserveCheck.Result memory result = _evaluate(asset);
        if (result.verdict != ReserveCheck.Verdict.Backed) {
            revert AssetNotBacked(target, result.verdict, result.reason, result.reserves, result.supply);
        }
        _unpause(asset);
        emit AssetUnpaused(target, _msgSender(), result.reserves, result.supply);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IReserveGuard
    function addAsset(address target, AssetConfig calldata config) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_positions[target] != 0) revert AssetAlreadyRegistered(target);
        uint256 count = _assetCount;
        if (count >= MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        _validate(target, config);
        _assets[count] = _toStorage(target, config);
        _assetCount = count + 1;
        _positions[target] = count + 1;
        emit AssetAdded(target, config);
    }

    /// @inheritdoc IReserveGuard
    function updateAsset(
        address target,
        AssetConfig calldata config
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 position = _positions[target];
        if (position == 0) revert UnknownAsset(target);
        _validate(target, config);
        _assets[position - 1] = _toStorage(target, config);
        _clearBackoff(target);
        emit AssetUpdated(target, config);
    }

    /// @inheritdoc IReserveGuard
    function removeAsset(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 position = _positions[target];
        if (position == 0) revert UnknownAsset(target);
        uint256 last = _assetCount;
        if (position != last) {
            StoredAsset storage moved = _assets[last - 1];
            _assets[position - 1] = moved;
            _positions[moved.head.target] = position;
        }
        delete _assets[last - 1];
        _assetCount = last - 1;
        delete _positions[target];
        delete _backoffs[target];
        emit AssetRemoved(target);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReserveGuard
    function assetCount() external view override returns (uint256) {
        return _assetCount;
    }

    /// @inheritdoc IReserveGuard
    function assetAt(uint256 index) external view override returns (address target, AssetConfig memory config) {
        if (index >= _assetCount) revert IndexOutOfRange(index);
        Asset memory asset = _load(_assets[index]);
        return (asset.target, _toConfig(asset));
    }

    /// @inheritdoc IReserveGuard
    function assetConfig(address target) external view override returns (AssetConfig memory) {
        return _toConfig(_asset(target));
    }

    /// @inheritdoc IReserveGuard
    function assetStatus(address target) external view override returns (ReserveCheck.Result memory) {
        return _evaluate(_asset(target));
    }

    /// @inheritdoc IReserveGuard
    function pauseBackoff(address target) external view override returns (uint8 failures, uint256 retryAfter) {
        _asset(target);
        Backoff memory backoff = _backoffs[target];
        return (backoff.failures, backoff.retryAfter);
    }

    /// @inheritdoc IReserveGuard
    function isAssetPaused(address target) external view override returns (bool) {
        (bool fullyPaused, ) = _pauseState(_asset(target));
        return fullyPaused;
    }

    // ---------------------------------------------------------------- internals

    /// @dev How many entries a check may return, from its `checkData` (see {checkUpkeep}).
    function _maxEntries(bytes calldata checkData) private pure returns (uint256 maxEntries) {
        if (checkData.length == 0) return DEFAULT_MAX_ENTRIES;
        if (checkData.length == 32) maxEntries = abi.decode(checkData, (uint256));
        if (maxEntries == 0 || maxEntries > MAX_ASSETS) revert InvalidCheckData(checkData);
    }

    /**
     * @dev The entries (see {checkUpkeep}) of the first `maxEntries` assets, in registry order, that are short,
     * not fully paused and not backing off. The scan stops there: the rest wait for the next check.
     */
    function _scan(uint256 maxEntries) private view returns (bool upkeepNeeded, bytes memory performData) {
        uint256 count = _assetCount;
        uint256[] memory entries = new uint256[](maxEntries);
        uint256 found = 0;
        for (uint256 i = 0; i < count && found < maxEntries; ++i) {
            Asset memory asset = _load(_assets[i]);
            // The pause state is read only for short assets: healthy assets, the usual case, cost one check.
            if (_evaluate(asset).verdict != ReserveCheck.Verdict.Short) continue;
            if (_backingOff(asset.target)) continue;
            (bool fullyPaused, ) = _pauseState(asset);
            if (!fullyPaused) {
                entries[found] = uint256(uint160(asset.target)) | (i << 160);
                ++found;
            }
        }
        if (found == 0) return (false, "");
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(entries, found) // shrink the array to the entries found
        }
        return (true, abi.encode(entries));
    }

    /// @dev Whether the upkeep is to leave the asset alone for now, its last pauses having failed.
    function _backingOff(address target) private view returns (bool) {
        return _backoffs[target].retryAfter > block.timestamp;
    }

    /**
     * @dev Records one more failed pause: the upkeep retries after {PAUSE_RETRY_DELAY}, doubled with every
     * failure in a row, at most {PAUSE_RETRY_MAX_DELAY}.
     */
    function _backOff(address target) private {
        Backoff memory backoff = _backoffs[target];
        if (backoff.failures < type(uint8).max) ++backoff.failures;
        // 2^11 minutes is past a day: the shift never overflows and the cap applies from the 12th failure.
        uint256 delay = backoff.failures > 12 ? PAUSE_RETRY_MAX_DELAY : PAUSE_RETRY_DELAY << (backoff.failures - 1);
        if (delay > PAUSE_RETRY_MAX_DELAY) delay = PAUSE_RETRY_MAX_DELAY;
        backoff.retryAfter = uint40(block.timestamp + delay);
        _backoffs[target] = backoff;
        emit AssetPauseBackoff(target, backoff.failures, backoff.retryAfter);
    }

    /// @dev Forgets past failures once the asset is paused (or its configuration changed).
    function _clearBackoff(address target) private {
        if (_backoffs[target].failures != 0) delete _backoffs[target];
    }

    /// @dev Runs the reserve check for an asset, reading its feeds and supply now.
    function _evaluate(Asset memory asset) private view returns (ReserveCheck.Result memory) {
        ReserveCheck.Reading memory reserve = ReserveCheck.readFeed(asset.reserveFeed);
        ReserveCheck.Reading memory supply = asset.supplyKind == SupplyKind.TokenTotalSupply
            ? ReserveCheck.readTokenSupply(asset.supplySource)
            : ReserveCheck.readFeed(asset.supplySource);
        ReserveCheck.Rules memory rules = ReserveCheck.Rules({
            heartbeat: asset.heartbeat,
            stalePolicy: asset.stalePolicy,
            marginBps: asset.marginBps
        });
        return ReserveCheck.evaluate(reserve, supply, rules, 0, block.timestamp);
    }

    /**
     * @dev Pauses the asset's target as its pause mode says (`pauseOperations(operations)` or `pause()`):
     * the only place the guard pauses. The call gets {PauseTarget-CALL_GAS} and at most
     * {PauseTarget-MAX_REVERT_DATA} bytes of its revert data are kept, so a target that burns its gas or
     * reverts with megabytes costs a bounded amount and the others are still paused. A revert is returned,
     * not raised, so that {performUpkeep} can report it and go on; {pauseAsset} raises it again. A call that
     * returns normally but leaves the target not fully paused (a non-reverting fallback, or a pause that
     * does nothing) fails too, with {PauseNotInForce} as its error.
     * @return paused whether the configured pause is in force afterwards
     * @return error_ the call's revert data (its first bytes) when it did not
     */
    function _pause(Asset memory asset) private returns (bool paused, bytes memory error_) {
        bytes memory data = asset.pauseMode == PauseMode.Operations
            ? abi.encodeCall(IOperationsPausable.pauseOperations, (asset.operations))
            : abi.encodeCall(IPausable.pause, ());
        (bool called, bytes memory revertData) = PauseTarget.call(asset.target, data);
        if (!called) return (false, revertData);
        (bool fullyPaused, ) = _pauseState(asset);
        if (!fullyPaused) return (false, abi.encodeWithSelector(PauseNotInForce.selector, asset.target));
        return (true, "");
    }

    /**
     * @dev Unpauses the asset's target as its pause mode says: the only place the guard unpauses. Reverts
     * with the target's error (its first {PauseTarget-MAX_REVERT_DATA} bytes).
     */
    function _unpause(Asset memory asset) private {
        bytes memory data = asset.pauseMode == PauseMode.Operations
            ? abi.encodeCall(IOperationsPausable.unpauseOperations, (asset.operations))
            : abi.encodeCall(IPausable.unpause, ());
        (bool called, bytes memory revertData) = PauseTarget.call(asset.target, data);
        if (!called) LowLevelCall.bubbleRevert(revertData);
    }

    /**
     * @dev Reads the target's pause state. `fullyPaused`: every configured pause is in force; `anyPaused`:
     * at least one is. A target whose state cannot be read (a revert, too little data, a word out of range,
     * a read burning its {PauseTarget-STATE_READ_GAS}) counts as not paused, so the guard tries to pause it,
     * and reports {AssetPauseFailed} when the pause does not show.
     */
    function _pauseState(Asset memory asset) private view returns (bool fullyPaused, bool anyPaused) {
        if (asset.pauseMode == PauseMode.Operations) {
            (bool ok, uint8 paused) = PauseTarget.readPausedOperations(asset.target);
            if (!ok) return (false, false);
            uint8 configured = paused & asset.operations;
            return (configured == asset.operations, configured != 0);
        }
        (bool readable, bool isPaused) = PauseTarget.readPaused(asset.target);
        return (readable && isPaused, readable && isPaused);
    }

    /// @dev The stored asset for a target; reverts with {UnknownAsset} if none.
    function _asset(address target) private view returns (Asset memory) {
        uint256 position = _positions[target];
        if (position == 0) revert UnknownAsset(target);
        return _load(_assets[position - 1]);
    }

    /// @dev Reads a stored asset: two storage slots, three when the supply source is not the target.
    function _load(StoredAsset storage stored) private view returns (Asset memory) {
        AssetHead memory head = stored.head;
        return
            Asset({
                target: head.target,
                heartbeat: head.heartbeat,
                marginBps: head.marginBps,
                stalePolicy: head.stalePolicy,
                supplyKind: head.supplyKind,
                pauseMode: head.pauseMode,
                operations: head.operations,
                reserveFeed: stored.reserveFeed,
                supplySource: head.supplyFromTarget ? head.target : stored.supplySource
            });
    }

    /// @dev Rejects configurations the guard could never act on correctly.
    function _validate(address target, AssetConfig calldata config) private view {
        if (target.code.length == 0) revert NotAContract(target);
        if (config.reserveFeed.code.length == 0) revert NotAContract(config.reserveFeed);
        if (config.supplySource.code.length == 0) revert NotAContract(config.supplySource);
        if (config.heartbeat == 0) revert InvalidHeartbeat();
        bool validMask = config.pauseMode == PauseMode.Operations
            ? config.operations != 0 && config.operations & ~ALL_OPERATIONS == 0
            : config.operations == 0;
        if (!validMask) revert InvalidOperationMask(config.pauseMode, config.operations);
        // The pause interface the mode declares must answer now: a target that cannot be read would
        // never show as paused.
        bool readable;
        if (config.pauseMode == PauseMode.Operations) (readable, ) = PauseTarget.readPausedOperations(target);
        else (readable, ) = PauseTarget.readPaused(target);
        if (!readable) revert PauseStateUnreadable(target, config.pauseMode);
    }

    function _toStorage(address target, AssetConfig calldata config) private pure returns (StoredAsset memory) {
        return
            StoredAsset({
                head: AssetHead({
                    target: target,
                    heartbeat: config.heartbeat,
                    marginBps: config.marginBps,
                    stalePolicy: config.stalePolicy,
                    supplyKind: config.supplyKind,
                    pauseMode: config.pauseMode,
                    operations: config.operations,
                    supplyFromTarget: config.supplyKind == SupplyKind.TokenTotalSupply && config.supplySource == target
                }),
                reserveFeed: config.reserveFeed,
                supplySource: config.supplySource
            });
    }

    function _toConfig(Asset memory asset) private pure returns (AssetConfig memory) {
        return
            AssetConfig({
                reserveFeed: asset.reserveFeed,
                supplyKind: asset.supplyKind,
                supplySource: asset.supplySource,
                heartbeat: asset.heartbeat,
                stalePolicy: asset.stalePolicy,
                marginBps: asset.marginBps,
                pauseMode: asset.pauseMode,
                operations: asset.operations
            });
    }
}
