// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {ILogAutomation, Log} from "@chainlink/contracts/src/v0.8/automation/interfaces/ILogAutomation.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {ReportReceiver} from "./cre/ReportReceiver.sol";
import {IReserveGuard} from "./interfaces/IReserveGuard.sol";
import {ISecureMintToken} from "./interfaces/ISecureMintToken.sol";
import {ALL_OPERATIONS} from "./interfaces/IOperationsPausable.sol";
import {CodeStore} from "./libraries/CodeStore.sol";
import {PauseTarget} from "./libraries/PauseTarget.sol";
import {ReserveCheck} from "./libraries/ReserveCheck.sol";

/**
 * @title ReserveGuard
 * @notice A Chainlink Automation upkeep that pauses protected assets whose proof of reserve shows a
 * shortfall, judged by {ReserveCheck}.
 *
 * - Conditional trigger: {checkUpkeep} scans the registered assets and returns, in `performData`, those
 *   that are short and not yet paused, at most `maxEntries` (its `checkData`); the next upkeep lists the rest.
 * - Log trigger: {checkLog} does the same scan when a feed emits `AnswerUpdated`, so a shortfall reported
 *   by a feed update is acted on in the next block instead of the next polling cycle.
 * - {performUpkeep} trusts nothing in `performData`: it re-checks every listed target on-chain and pauses
 *   only those registered, still short and not yet paused. One {AssetPaused} event per paused asset.
 * - CRE: {onReport} takes the same list from a reserve-guard workflow's report (an allowed workflow, through
 *   the configured `KeystoneForwarder`, see {ReportReceiver}) and performs it exactly as {performUpkeep}.
 *
 * Whether an asset is paused is read from its target: once paused it no longer asks for upkeep (no flicker),
 * and if someone unpauses the target directly while it is still short, the next upkeep pauses it again.
 * What the guard remembers is who holds its pause (the upkeep, a guardian) and which pause flags it
 * switched on itself, so that it only ever undoes its own pauses. Unpausing through the guard
 * ({unpauseAsset}, {liftGuardianPause}) is a human decision, refused unless the check finds the asset backed.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE`: registers assets; schedules, applies and cancels their updates and removals
 *   (applied after the admin delay); grants every role. It changes hands in two steps, after the same
 *   delay (`AccessControlDefaultAdminRules`).
 * - `FORWARDER_ROLE`: may call {performUpkeep}. Grant it to the Automation forwarder of each upkeep
 *   registered on this contract (a conditional and a log-trigger upkeep have one forwarder each).
 * - `RECEIVER_ADMIN_ROLE`: sets the CRE forwarder and allows workflows ({ReportReceiver}).
 * - `GUARDIAN_ROLE`: pauses an asset by hand ({pauseAsset}), whatever its reserves, and lifts its own hold
 *   ({liftGuardianPause}); clears a failing asset's backoff ({clearPauseBackoff}).
 * - `UNPAUSER_ROLE`: lifts the upkeep's hold ({unpauseAsset}) once the asset is backed.
 *
 * Why only forwarders may perform: the guard is a kill switch on someone else's asset, so it is pulled
 * only by parties the issuer chose (the upkeeps' forwarders, and guardians by hand). Letting anyone call
 * it would be safe against forged `performData` (everything is re-checked) and against gas games (a
 * starved feed call would look like a reverting feed, but {MIN_GAS_PER_ASSET} leaves every call ample
 * gas). It would add no liveness, since Automation calls it anyway, and it would let any third party act
 * first on every fail-closed condition, such as a feed one second past its heartbeat or a transient
 * revert during a feed migration.
 */
contract ReserveGuard is
    IReserveGuard,
    AutomationCompatibleInterface,
    ILogAutomation,
    AccessControlDefaultAdminRules,
    ReportReceiver
{
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
     * @dev An asset as stored: one slot, keyed by its target, holding everything a check and a pause need,
     * and what the guard itself paused: its holds (flags) and the pause flags it switched on (the high four
     * bits of `operations`; the low four are the configured operations), so that it only ever lifts a pause
     * it made.
     * Registered iff `reserveFeed` is not zero (a registered feed is a contract). The decimals of the reserve
     * feed and of the supply source are read when the asset is configured and kept, so that a check makes
     * one call per feed instead of two (see {syncDecimals} for a feed whose decimals change).
     */
    struct AssetSlot {
        address reserveFeed;
        uint32 heartbeat;
        uint16 marginBps;
        uint8 reserveDecimals;
        uint8 supplyDecimals;
        uint8 flags;
        uint8 operations;
    }

    /// @dev {AssetSlot-flags}: the stale policy is `Skip`.
    uint8 private constant STALE_SKIP = 1 << 0;
    /// @dev {AssetSlot-flags}: the supply is a supply feed's answer (else a token's `totalSupply()`).
    uint8 private constant SUPPLY_FEED = 1 << 1;
    /// @dev {AssetSlot-flags}: the pause mode is `Pausable` (else `Operations`).
    uint8 private constant PAUSABLE = 1 << 2;
    /**
     * @dev {AssetSlot-flags}: the supply source is not the target, or the supply is a feed: {_supplies} holds
     * the source and the supply feed's heartbeat.
     */
    uint8 private constant SUPPLY_STORED = 1 << 3;
    /// @dev {AssetSlot-flags}: a pause failed and {_backoffs} holds when to try again.
    uint8 private constant BACKING_OFF = 1 << 4;
    /// @dev {AssetSlot-flags}: the upkeep paused the asset for a shortfall; lifted by an unpauser.
    uint8 private constant UPKEEP_HOLD = 1 << 5;
    /// @dev {AssetSlot-flags}: a guardian paused the asset by hand; lifted by a guardian.
    uint8 private constant GUARDIAN_HOLD = 1 << 6;

    /// @dev An asset whose pause failed: how many times in a row, and when the upkeep may try again.
    struct Backoff {
        uint8 failures;
        uint40 retryAfter;
    }

    /**
     * @dev The registry as code (see {CodeStore}): one {RECORD_SIZE}-byte record per asset, in registry
     * order, each the target (20 bytes), its stored word with the configuration only ({CONFIGURATION}: what
     * the upkeep changes is left out, 32 bytes) and its supply source (20 bytes). A check reads the whole
     * registry at the cost of one cold account instead of a cold slot per asset; the storage below stays
     * the reference, and every change of configuration writes the registry again ({_publish}).
     */
    address private _registry;
    mapping(address target => AssetSlot) private _assets;
    /**
     * @dev The supply of the assets flagged `SUPPLY_STORED`, as one word: the source, and a supply feed's
     * heartbeat (0 for a token's `totalSupply()`, which is read live) from bit 160. See {_supply}.
     */
    mapping(address target => uint256 supply) private _supplies;
    mapping(address target => Backoff) private _backoffs;

    /// @notice The admin address is the zero address.
    error InvalidAdmin();

    /// @notice No asset at this registry index.
    error IndexOutOfRange(uint256 index);

    /// @dev A change of an asset's configuration waiting for the delay.
    struct PendingChange {
        bytes32 change; // keccak256(abi.encode(config)), or REMOVAL
        uint48 readyAt;
    }

    /// @dev The `change` of a scheduled removal.
    bytes32 private constant REMOVAL = keccak256("ReserveGuard.removeAsset");

    mapping(address target => PendingChange) private _pendingChanges;

    /**
     * @param admin receives `DEFAULT_ADMIN_ROLE`; it is handed over in two steps, after `delay`
     * (OpenZeppelin's `AccessControlDefaultAdminRules`)
     * @param delay the admin delay: how long a transfer of the admin role, and every update or removal of an
     * asset, waits before it can be completed (see {scheduleAssetUpdate})
     */
    constructor(address admin, uint48 delay) AccessControlDefaultAdminRules(delay, _nonZero(admin)) {}

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
     * asset, `uint256(uint160(target)) | index << 160` (the registry index is informational: the guard
     * finds an asset by its target)
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
     * @dev `performData` is untrusted: unknown, backed, skipped, backing-off and already paused targets are
     * ignored, so a stale or duplicated list does nothing wrong. Each entry names a target (its index part
     * is ignored). A pause that fails emits {AssetPauseFailed} and {AssetPauseBackoff} instead of reverting
     * the whole upkeep. With less than {MIN_GAS_PER_ASSET} left it stops ({PerformGasExhausted}).
     * Forwarders only (see the contract documentation).
     * @param performData `abi.encode(uint256[] entries)`, each `uint256(uint160(target)) | index << 160`
     */
    function performUpkeep(
        bytes calldata performData
    ) external override(AutomationCompatibleInterface, ILogAutomation) onlyRole(FORWARDER_ROLE) {
        _perform(performData);
    }

    /**
     * @dev CRE: a report of an allowed reserve-guard workflow, delivered by the configured forwarder (see
     * {ReportReceiver}), is performed exactly as {performUpkeep}: it is the same performData, trusted as little.
     * @param report `abi.encode(uint256[] entries)`, the performData of the guard's own {checkUpkeep}
     */
    function _processReport(bytes calldata report) internal override {
        _perform(report);
    }

    /// @dev ERC-165: AccessControl's interfaces and Chainlink's `IReceiver` ({ReportReceiver}).
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(AccessControlDefaultAdminRules, ReportReceiver) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @dev {ReportReceiver}'s admin: `RECEIVER_ADMIN_ROLE`, granted by the default admin.
    function _checkReceiverAdmin() internal view override {
        _checkRole(RECEIVER_ADMIN_ROLE);
    }

    /**
     * @dev The perform path, whoever delivered the list: {performUpkeep} after its role check, {onReport}
     * after {ReportReceiver}'s forwarder and workflow checks. One implementation, two entry points.
     * @param performData `abi.encode(uint256[] entries)`, each `uint256(uint160(target)) | index << 160`
     */
    function _perform(bytes calldata performData) private {
        uint256 count = _entryCount(performData);
        uint256 freeMemory = _freeMemory();
        for (uint256 i = 0; i < count; ++i) {
            _setFreeMemory(freeMemory); // nothing the previous entry allocated is used any more
            if (gasleft() < MIN_GAS_PER_ASSET) {
                // Out of budget: the rest stay short and unpaused, so the next upkeep lists them again.
                emit PerformGasExhausted(i, count);
                return;
            }
            address target = _entryTarget(performData, i);
            uint256 word = _assetWord(target);
            if (word == 0) continue; // not registered
            ReserveCheck.Result memory result = _check(word, _supply(target, word));
            if (result.verdict != ReserveCheck.Verdict.Short || _backingOff(target, word)) continue;
            uint8 pausedBefore = _pausedNow(target, word);
            if (pausedBefore == _configured(word)) continue;
            if (gasleft() < PAUSE_GAS_NEEDED) {
                // A heavy check left too little for the pause: the asset is left to the next upkeep.
                emit PerformGasExhausted(i, count);
                return;
            }
            (bool paused, bytes memory error_) = _pause(target, word);
            if (paused) {
                _hold(target, word, UPKEEP_HOLD, pausedBefore);
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
        uint256 word = _registeredWord(target);
        if (_flags(word) & GUARDIAN_HOLD != 0) revert AssetAlreadyPaused(target);
        uint8 pausedBefore = _pausedNow(target, word);
        // Already paused (by the upkeep, or by someone else): the guardian's hold is recorded all the same.
        if (pausedBefore != _configured(word)) {
            (bool paused, bytes memory error_) = _pause(target, word);
            if (!paused) LowLevelCall.bubbleRevert(error_);
        }
        _hold(target, word, GUARDIAN_HOLD, pausedBefore);
        emit AssetPausedByGuardian(target, _msgSender());
    }

    /// @inheritdoc IReserveGuard
    function liftGuardianPause(address target) external override onlyRole(GUARDIAN_ROLE) {
        _release(target, GUARDIAN_HOLD, Hold.Guardian);
    }

    /// @inheritdoc IReserveGuard
    function clearPauseBackoff(address target) external override onlyRole(GUARDIAN_ROLE) {
        if (_flags(_registeredWord(target)) & BACKING_OFF == 0) revert NoPauseBackoff(target);
        _clearBackoff(target);
        emit AssetPauseBackoffCleared(target, _msgSender());
    }

    /// @inheritdoc IReserveGuard
    function unpauseAsset(address target) external override onlyRole(UNPAUSER_ROLE) {
        _release(target, UPKEEP_HOLD, Hold.Upkeep);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IReserveGuard
    function addAsset(address target, AssetConfig calldata config) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_assetWord(target) != 0) revert AssetAlreadyRegistered(target);
        bytes memory registry = CodeStore.read(_registry);
        if (registry.length / RECORD_SIZE >= MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        _store(target, config);
        _publish(bytes.concat(registry, _record(target)));
        emit AssetAdded(target, config);
    }

    /// @inheritdoc IReserveGuard
    function scheduleAssetUpdate(
        address target,
        AssetConfig calldata config
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _registeredWord(target);
        _validate(target, config);
        uint48 readyAt = _schedule(target, keccak256(abi.encode(config)));
        emit AssetUpdateScheduled(target, config, readyAt);
    }

    /// @inheritdoc IReserveGuard
    function scheduleAssetRemoval(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _registeredWord(target);
        uint48 readyAt = _schedule(target, REMOVAL);
        emit AssetRemovalScheduled(target, readyAt);
    }

    /// @inheritdoc IReserveGuard
    function cancelAssetChange(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_pendingChanges[target].readyAt == 0) revert AssetChangeNotScheduled(target);
        delete _pendingChanges[target];
        emit AssetChangeCancelled(target);
    }

    /// @inheritdoc IReserveGuard
    function updateAsset(
        address target,
        AssetConfig calldata config
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _consume(target, keccak256(abi.encode(config)));
        if (_flags(_registeredWord(target)) & BACKING_OFF != 0) delete _backoffs[target];
        _store(target, config);
        _republish(target);
        emit AssetUpdated(target, config);
    }

    /// @inheritdoc IReserveGuard
    function removeAsset(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _consume(target, REMOVAL);
        _registeredWord(target);
        // The last record takes the removed one's place.
        bytes memory registry = CodeStore.read(_registry);
        uint256 last = registry.length - RECORD_SIZE;
        uint256 at = _position(registry, target);
        if (at != last) _copyRecord(registry, last, at);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(registry, last) // drop the last record
        }
        _publish(registry);
        delete _assets[target];
        delete _supplies[target];
        delete _backoffs[target];
        emit AssetRemoved(target);
    }

    /// @inheritdoc IReserveGuard
    function pendingAssetChange(address target) external view override returns (bytes32 change, uint48 readyAt) {
        PendingChange memory pending = _pendingChanges[target];
        return (pending.change, pending.readyAt);
    }

    /// @inheritdoc IReserveGuard
    function syncDecimals(address target) external override {
        uint256 word = _registeredWord(target);
        uint8 reserveDecimals = _decimalsOf(_reserveFeed(word));
        uint8 supplyDecimals = _decimalsOf(_supplySourceOf(_supply(target, word)));
        if (reserveDecimals == _reserveDecimals(word) && supplyDecimals == _supplyDecimals(word)) return;
        AssetSlot storage stored = _assets[target];
        stored.reserveDecimals = reserveDecimals;
        stored.supplyDecimals = supplyDecimals;
        _republish(target);
        emit AssetDecimalsSynced(target, reserveDecimals, supplyDecimals);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReserveGuard
    function assetCount() external view override returns (uint256) {
        return CodeStore.size(_registry) / RECORD_SIZE;
    }

    /// @inheritdoc IReserveGuard
    function assetAt(uint256 index) external view override returns (address target, AssetConfig memory config) {
        if (index >= CodeStore.size(_registry) / RECORD_SIZE) revert IndexOutOfRange(index);
        target = _recordTarget(CodeStore.read(_registry, index * RECORD_SIZE, 20), 0);
        return (target, _toConfig(target, _assetWord(target)));
    }

    /// @inheritdoc IReserveGuard
    function assetConfig(address target) external view override returns (AssetConfig memory) {
        return _toConfig(target, _registeredWord(target));
    }

    /// @inheritdoc IReserveGuard
    function assetDecimals(
        address target
    ) external view override returns (uint8 reserveDecimals, uint8 supplyDecimals) {
        uint256 word = _registeredWord(target);
        return (_reserveDecimals(word), _supplyDecimals(word));
    }

    /// @inheritdoc IReserveGuard
    function assetStatus(address target) external view override returns (ReserveCheck.Result memory) {
        uint256 word = _registeredWord(target);
        return _check(word, _supply(target, word));
    }

    /// @inheritdoc IReserveGuard
    function pauseBackoff(address target) external view override returns (uint8 failures, uint256 retryAfter) {
        _registeredWord(target);
        Backoff memory backoff = _backoffs[target];
        return (backoff.failures, backoff.retryAfter);
    }

    /// @inheritdoc IReserveGuard
    function pauseHolds(
        address target
    ) external view override returns (bool upkeep, bool guardian, uint8 pausedByGuard) {
        uint256 word = _registeredWord(target);
        uint8 flags = _flags(word);
        return (flags & UPKEEP_HOLD != 0, flags & GUARDIAN_HOLD != 0, _guardPaused(word));
    }

    /// @inheritdoc IReserveGuard
    function isAssetPaused(address target) external view override returns (bool) {
        uint256 word = _registeredWord(target);
        return _pausedNow(target, word) == _configured(word);
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev The number of entries of a performData, `abi.encode(uint256[] entries)` exactly as {checkUpkeep}
     * encodes it (offset 32, length, entries); anything else reverts with {InvalidPerformData}. Read in
     * place: the entries are not copied to memory.
     */
    function _entryCount(bytes calldata performData) private pure returns (uint256 count) {
        uint256 length = performData.length;
        uint256 offset;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            offset := calldataload(performData.offset)
            count := calldataload(add(performData.offset, 0x20))
        }
        // `count` is compared before it is multiplied: an absurd count cannot overflow the product.
        if (length < 64 || offset != 32 || count > (length - 64) / 32 || length != 64 + 32 * count) {
            revert InvalidPerformData();
        }
    }

    /// @dev The target named by entry `index` of a performData validated by {_entryCount}, its upper bits clean.
    function _entryTarget(bytes calldata performData, uint256 index) private pure returns (address target) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            target := and(
                calldataload(add(performData.offset, add(0x40, shl(5, index)))),
                0xffffffffffffffffffffffffffffffffffffffff
            )
        }
    }

    /// @dev Schedules a change (replacing any pending one) for when the admin delay has passed.
    function _schedule(address target, bytes32 change) private returns (uint48 readyAt) {
        readyAt = uint48(block.timestamp) + defaultAdminDelay();
        _pendingChanges[target] = PendingChange({change: change, readyAt: readyAt});
    }

    /// @dev Consumes the change scheduled for `target`: it must be `change` and its delay must have passed.
    function _consume(address target, bytes32 change) private {
        PendingChange memory pending = _pendingChanges[target];
        if (pending.readyAt == 0 || pending.change != change) revert AssetChangeNotScheduled(target);
        if (block.timestamp < pending.readyAt) revert AssetChangeNotReady(target, pending.readyAt);
        delete _pendingChanges[target];
    }

    /// @dev The admin, refused when zero with the guard's own error (before OpenZeppelin's check).
    function _nonZero(address admin) private pure returns (address) {
        if (admin == address(0)) revert InvalidAdmin();
        return admin;
    }

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
        bytes memory registry = CodeStore.read(_registry);
        uint256 count = registry.length / RECORD_SIZE;
        uint256[] memory entries = new uint256[](maxEntries);
        uint256 found = 0;
        uint256 freeMemory = _freeMemory();
        for (uint256 i = 0; i < count && found < maxEntries; ++i) {
            _setFreeMemory(freeMemory); // nothing the previous asset's check allocated is used any more
            (address target, uint256 word, uint256 supply) = _recordAt(registry, i);
            // Storage (the backoff) and the pause state are read only for short assets: healthy assets, the
            // usual case, cost their check and nothing else.
            if (
                _check(word, supply).verdict == ReserveCheck.Verdict.Short &&
                !_backingOff(target, _assetWord(target)) &&
                _pausedNow(target, word) != _configured(word)
            ) {
                entries[found] = uint256(uint160(target)) | (i << 160);
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

    /**
     * @dev Runs the reserve check for an asset (its stored word and its supply, see {_supply}), reading its
     * feeds and supply now, in the decimals kept for them (one call per feed instead of two).
     */
    function _check(uint256 word, uint256 supply) private view returns (ReserveCheck.Result memory) {
        uint8 flags = _flags(word);
        address supplySource = _supplySourceOf(supply);
        return
            ReserveCheck.evaluate(
                ReserveCheck.readRound(_reserveFeed(word), _reserveDecimals(word)),
                flags & SUPPLY_FEED == 0
                    ? ReserveCheck.readSupply(supplySource, _supplyDecimals(word))
                    : ReserveCheck.readRound(supplySource, _supplyDecimals(word)),
                ReserveCheck.Rules({
                    heartbeat: uint32(word >> HEARTBEAT_SHIFT),
                    supplyHeartbeat: _supplyHeartbeatOf(supply),
                    stalePolicy: flags & STALE_SKIP != 0
                        ? ReserveCheck.StalePolicy.Skip
                        : ReserveCheck.StalePolicy.FailClosed,
                    marginBps: uint16(word >> MARGIN_SHIFT)
                }),
                0,
                block.timestamp
            );
    }

    // The fields of an asset's stored word ({AssetSlot}, packed from the low-order bits in declaration order).
    uint256 private constant HEARTBEAT_SHIFT = 160;
    uint256 private constant MARGIN_SHIFT = 192;
    uint256 private constant RESERVE_DECIMALS_SHIFT = 208;
    uint256 private constant SUPPLY_DECIMALS_SHIFT = 216;
    uint256 private constant FLAGS_SHIFT = 224;
    uint256 private constant OPERATIONS_SHIFT = 232;
    uint256 private constant GUARD_PAUSED_SHIFT = 236;

    /// @dev An asset's stored {AssetSlot} as one word (0 when not registered): one storage read.
    function _assetWord(address target) private view returns (uint256 word) {
        uint256 slot = _assetSlot(target);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(slot)
        }
    }

    /// @dev Writes an asset's stored {AssetSlot} as one word.
    function _setAssetWord(address target, uint256 word) private {
        uint256 slot = _assetSlot(target);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, word)
        }
    }

    /// @dev The storage slot of `_assets[target]`.
    function _assetSlot(address target) private pure returns (uint256 slot) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // The key's upper bits cleaned: an address taken from a performData entry still carries its index.
            mstore(0x00, and(target, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(0x20, _assets.slot)
            slot := keccak256(0x00, 0x40)
        }
    }

    /// @dev {_assetWord}; reverts with {UnknownAsset} when the target is not registered.
    function _registeredWord(address target) private view returns (uint256 word) {
        word = _assetWord(target);
        if (word == 0) revert UnknownAsset(target);
    }

    function _reserveFeed(uint256 word) private pure returns (address) {
        return address(uint160(word));
    }

    function _reserveDecimals(uint256 word) private pure returns (uint8) {
        return uint8(word >> RESERVE_DECIMALS_SHIFT);
    }

    function _supplyDecimals(uint256 word) private pure returns (uint8) {
        return uint8(word >> SUPPLY_DECIMALS_SHIFT);
    }

    function _flags(uint256 word) private pure returns (uint8) {
        return uint8(word >> FLAGS_SHIFT);
    }

    /// @dev The configured operations (the low four bits of the operations byte).
    function _operations(uint256 word) private pure returns (uint8) {
        return uint8(word >> OPERATIONS_SHIFT) & 0x0f;
    }

    /// @dev The pause flags the guard switched on and has not lifted (the high four bits).
    function _guardPaused(uint256 word) private pure returns (uint8) {
        return uint8(word >> GUARD_PAUSED_SHIFT) & 0x0f;
    }

    /**
     * @dev An asset's supply as one word: the source in the low 160 bits, a supply feed's heartbeat above
     * them. The target itself, with no heartbeat, unless the asset is flagged `SUPPLY_STORED`.
     */
    function _supply(address target, uint256 word) private view returns (uint256) {
        return _flags(word) & SUPPLY_STORED == 0 ? uint160(target) : _supplies[target];
    }

    function _supplySourceOf(uint256 supply) private pure returns (address) {
        return address(uint160(supply));
    }

    function _supplyHeartbeatOf(uint256 supply) private pure returns (uint32) {
        return uint32(supply >> 160);
    }

    /// @dev The pause flags the asset is configured for: its operations, or `PAUSED` for a `Pausable` target.
    function _configured(uint256 word) private pure returns (uint8) {
        return _flags(word) & PAUSABLE != 0 ? PauseTarget.PAUSED : _operations(word);
    }

    /**
     * @dev Which of the asset's configured pauses are in force on its target now. A target whose state
     * cannot be read counts as not paused, so the guard tries to pause it, and reports {AssetPauseFailed}
     * when the pause does not show.
     */
    function _pausedNow(address target, uint256 word) private view returns (uint8) {
        return PauseTarget.pausedFlags(target, _flags(word) & PAUSABLE != 0, _configured(word));
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
    function _pause(address target, uint256 word) private returns (bool paused, bytes memory error_) {
        bool pausable = _flags(word) & PAUSABLE != 0;
        uint8 configured = _configured(word);
        if (!PauseTarget.pause(target, pausable, configured)) return (false, PauseTarget.revertData());
        if (PauseTarget.pausedFlags(target, pausable, configured) != configured) {
            return (false, abi.encodeWithSelector(PauseNotInForce.selector, target));
        }
        return (true, "");
    }

    /**
     * @dev Lifts `flags` (operations, or `PAUSED`) on the asset's target as its pause mode says: the only place
     * the guard unpauses. Reverts with the target's error (its first {PauseTarget-MAX_REVERT_DATA} bytes).
     */
    function _unpause(address target, uint256 word, uint8 flags) private {
        if (!PauseTarget.unpause(target, _flags(word) & PAUSABLE != 0, flags)) {
            LowLevelCall.bubbleRevert(PauseTarget.revertData());
        }
    }

    /**
     * @dev Records a hold on an asset just paused (or found paused): the hold flag, and the pause flags the
     * guard switched on (those configured that were not in force before: a pause someone else made is never
     * counted as the guard's). Forgets any backoff. One storage write.
     */
    function _hold(address target, uint256 word, uint8 hold, uint8 pausedBefore) private {
        if (_flags(word) & BACKING_OFF != 0) delete _backoffs[target];
        uint256 switchedOn = uint256(_configured(word) & ~pausedBefore) << GUARD_PAUSED_SHIFT;
        _setAssetWord(target, ((word | (uint256(hold) << FLAGS_SHIFT)) & ~(uint256(BACKING_OFF) << FLAGS_SHIFT)) | switchedOn);
    }

    /**
     * @dev Lifts a hold. When the other hold remains, the target stays paused ({PauseHoldLifted}). When none
     * remains, the pause flags the guard switched on and that are still in force are lifted
     * ({AssetUnpaused}), and that needs the asset backed now, its decimals read live. The upkeep's hold
     * needs it backed either way: lifting it says the shortfall is over.
     */
    function _release(address target, uint8 hold, Hold which) private {
        uint256 word = _registeredWord(target);
        if (_flags(word) & hold == 0) revert NotHeld(target, which);
        word &= ~(uint256(hold) << FLAGS_SHIFT);
        bool stillHeld = _flags(word) & (UPKEEP_HOLD | GUARDIAN_HOLD) != 0;
        ReserveCheck.Result memory result;
        if (hold == UPKEEP_HOLD || !stillHeld) result = _requireBacked(target, word);
        if (stillHeld) {
            _setAssetWord(target, word);
            emit PauseHoldLifted(target, _msgSender(), which);
            return;
        }
        // Which of its pauses are still in force: a state it cannot read is refused, not taken for "none",
        // or the guard would forget its pauses and report the asset unpaused while the target stays paused.
        bool pausable = _flags(word) & PAUSABLE != 0;
        (bool readable, uint8 pausedNow) = PauseTarget.readState(target, pausable);
        if (!readable) revert PauseStateUnreadable(target, pausable ? PauseMode.Pausable : PauseMode.Operations);
        uint8 lift = _guardPaused(word) & pausedNow;
        _setAssetWord(target, word & ~(uint256(0x0f) << GUARD_PAUSED_SHIFT));
        if (lift != 0) _unpause(target, word, lift);
        emit AssetUnpaused(target, _msgSender(), result.reserves, result.supply);
    }

    /// @dev The check now, decimals read live; reverts unless the asset is backed.
    function _requireBacked(address target, uint256 word) private view returns (ReserveCheck.Result memory result) {
        // The gate never opens on decimals that are no longer the feeds'.
        uint256 supply = _supply(target, word);
        if (
            _decimalsOf(_reserveFeed(word)) != _reserveDecimals(word) ||
            _decimalsOf(_supplySourceOf(supply)) != _supplyDecimals(word)
        ) revert DecimalsChanged(target);
        result = _check(word, supply);
        if (result.verdict != ReserveCheck.Verdict.Backed) {
            revert AssetNotBacked(target, result.verdict, result.reason, result.reserves, result.supply);
        }
        // Backed by the guard's rules: the token must still mint by the same ones.
        _requireTokenRules(target, _reserveFeed(word), uint32(word >> HEARTBEAT_SHIFT), uint16(word >> MARGIN_SHIFT));
    }

    /**
     * @dev When the target is a `SecureMintToken` (it says so through ERC-165), reverts with
     * {TokenRulesMismatch} unless its own reserve feed, heartbeat and margin are these: the token and the
     * guard judge the asset alike. Any other target has no rules of its own to compare.
     */
    function _requireTokenRules(address target, address reserveFeed, uint32 heartbeat, uint16 marginBps) private view {
        if (!ERC165Checker.supportsInterface(target, type(ISecureMintToken).interfaceId)) return;
        (address tokenFeed, uint32 tokenHeartbeat, uint16 tokenMargin) = ISecureMintToken(target).reserveConfig();
        if (tokenFeed != reserveFeed || tokenHeartbeat != heartbeat || tokenMargin != marginBps) {
            revert TokenRulesMismatch(target, tokenFeed, tokenHeartbeat, tokenMargin);
        }
    }

    /// @dev Whether the upkeep is to leave the asset alone for now, its last pauses having failed.
    function _backingOff(address target, uint256 word) private view returns (bool) {
        return _flags(word) & BACKING_OFF != 0 && _backoffs[target].retryAfter > block.timestamp;
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
        _assets[target].flags |= BACKING_OFF;
        emit AssetPauseBackoff(target, backoff.failures, backoff.retryAfter);
    }

    /// @dev Forgets past failures once the asset is paused (or its backoff cleared).
    function _clearBackoff(address target) private {
        delete _backoffs[target];
        _assets[target].flags &= ~BACKING_OFF;
    }

    // ---------------------------------------------------------------- the registry as code

    /// @dev The bytes of one registry record: target, configuration word, supply source, supply heartbeat.
    uint256 private constant RECORD_SIZE = 76;

    /**
     * @dev The bits of an asset's stored word that are its configuration: everything but what changes as the
     * guard works (the backoff flag, the holds, the pause flags it switched on).
     */
    uint256 private constant CONFIGURATION =
        ~((uint256(BACKING_OFF | UPKEEP_HOLD | GUARDIAN_HOLD) << FLAGS_SHIFT) | (uint256(0x0f) << GUARD_PAUSED_SHIFT));

    /// @dev The registry record of a registered asset, from storage.
    function _record(address target) private view returns (bytes memory) {
        uint256 word = _assetWord(target);
        uint256 supply = _supply(target, word);
        return
            abi.encodePacked(target, word & CONFIGURATION, _supplySourceOf(supply), _supplyHeartbeatOf(supply));
    }

    /// @dev Record `index` of a registry read with {CodeStore-read}.
    function _recordAt(
        bytes memory registry,
        uint256 index
    ) private pure returns (address target, uint256 word, uint256 supply) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let record := add(add(registry, 0x20), mul(index, RECORD_SIZE))
            target := shr(96, mload(record))
            word := mload(add(record, 20))
            // The source (20 bytes) and the supply heartbeat (4 bytes), as {_supply} returns them.
            supply := or(shr(96, mload(add(record, 52))), shl(160, shr(224, mload(add(record, 72)))))
        }
    }

    /// @dev The target of record `index`.
    function _recordTarget(bytes memory registry, uint256 index) private pure returns (address target) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            target := shr(96, mload(add(add(registry, 0x20), mul(index, RECORD_SIZE))))
        }
    }

    /// @dev The byte offset of a target's record; reverts with {UnknownAsset} when there is none.
    function _position(bytes memory registry, address target) private pure returns (uint256 offset) {
        for (; offset < registry.length; offset += RECORD_SIZE) {
            if (_recordTarget(registry, offset / RECORD_SIZE) == target) return offset;
        }
        revert UnknownAsset(target);
    }

    /// @dev Copies the record at byte offset `from` over the one at `to`.
    function _copyRecord(bytes memory registry, uint256 from, uint256 to) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := add(registry, 0x20)
            mcopy(add(data, to), add(data, from), RECORD_SIZE)
        }
    }

    /// @dev Writes the registry again with a registered asset's record taken from storage.
    function _republish(address target) private {
        bytes memory registry = CodeStore.read(_registry);
        bytes memory record = _record(target);
        uint256 at = _position(registry, target);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mcopy(add(add(registry, 0x20), at), add(record, 0x20), RECORD_SIZE)
        }
        _publish(registry);
    }

    function _publish(bytes memory registry) private {
        _registry = CodeStore.write(registry);
    }

    /// @dev The free memory pointer, to hand back what one asset's check allocated before the next.
    function _freeMemory() private pure returns (uint256 pointer) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := mload(0x40)
        }
    }

    /// @dev Frees the memory allocated since {_freeMemory} returned `pointer` (nothing allocated since is used).
    function _setFreeMemory(uint256 pointer) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x40, pointer)
        }
    }

    /**
     * @dev Validates a configuration and stores it, with the decimals read now. Forgets any backoff; keeps
     * the guard's holds and the pause flags it switched on, and refuses to change the pause mode under them.
     */
    function _store(address target, AssetConfig calldata config) private {
        _validate(target, config);
        uint256 previous = _assetWord(target);
        uint8 holds = _flags(previous) & (UPKEEP_HOLD | GUARDIAN_HOLD);
        if (
            holds != 0 &&
            (_flags(previous) & PAUSABLE != 0) != (config.pauseMode == PauseMode.Pausable)
        ) revert AssetPauseHeld(target);
        bool supplyStored = config.supplySource != target || config.supplyKind == SupplyKind.SupplyFeed;
        uint8 flags = (config.stalePolicy == ReserveCheck.StalePolicy.Skip ? STALE_SKIP : 0) |
            (config.supplyKind == SupplyKind.SupplyFeed ? SUPPLY_FEED : 0) |
            (config.pauseMode == PauseMode.Pausable ? PAUSABLE : 0) |
            (supplyStored ? SUPPLY_STORED : 0) |
            holds;
        _assets[target] = AssetSlot({
            reserveFeed: config.reserveFeed,
            heartbeat: config.heartbeat,
            marginBps: config.marginBps,
            reserveDecimals: _decimalsOf(config.reserveFeed),
            supplyDecimals: _decimalsOf(config.supplySource),
            flags: flags,
            operations: config.operations | (_guardPaused(previous) << 4)
        });
        if (supplyStored) _supplies[target] = uint160(config.supplySource) | (uint256(config.supplyHeartbeat) << 160);
        else delete _supplies[target];
    }

    /// @dev The decimals of a feed or token now; reverts with {DecimalsUnreadable} when they cannot be read.
    function _decimalsOf(address source) private view returns (uint8) {
        (bool ok, uint8 decimals) = ReserveCheck.readDecimals(source);
        if (!ok) revert DecimalsUnreadable(source);
        return decimals;
    }

    /// @dev Rejects configurations the guard could never act on correctly.
    function _validate(address target, AssetConfig calldata config) private view {
        if (target.code.length == 0) revert NotAContract(target);
        if (config.reserveFeed.code.length == 0) revert NotAContract(config.reserveFeed);
        if (config.supplySource.code.length == 0) revert NotAContract(config.supplySource);
        if (config.heartbeat == 0) revert InvalidHeartbeat();
        // A supply feed has a heartbeat of its own; a token's totalSupply() is read live and has none.
        if ((config.supplyKind == SupplyKind.SupplyFeed) != (config.supplyHeartbeat != 0)) {
            revert InvalidSupplyHeartbeat(config.supplyKind, config.supplyHeartbeat);
        }
        bool validMask = config.pauseMode == PauseMode.Operations
            ? config.operations != 0 && config.operations & ~ALL_OPERATIONS == 0
            : config.operations == 0;
        if (!validMask) revert InvalidOperationMask(config.pauseMode, config.operations);
        // The pause interface the mode declares must answer now: a target that cannot be read would
        // never show as paused.
        (bool readable, ) = PauseTarget.readState(target, config.pauseMode == PauseMode.Pausable);
        if (!readable) revert PauseStateUnreadable(target, config.pauseMode);
        _requireTokenRules(target, config.reserveFeed, config.heartbeat, config.marginBps);
    }

    function _toConfig(address target, uint256 word) private view returns (AssetConfig memory) {
        uint8 flags = _flags(word);
        uint256 supply = _supply(target, word);
        return
            AssetConfig({
                reserveFeed: _reserveFeed(word),
                supplyKind: flags & SUPPLY_FEED != 0 ? SupplyKind.SupplyFeed : SupplyKind.TokenTotalSupply,
                supplySource: _supplySourceOf(supply),
                heartbeat: uint32(word >> HEARTBEAT_SHIFT),
                supplyHeartbeat: _supplyHeartbeatOf(supply),
                stalePolicy: flags & STALE_SKIP != 0 ? ReserveCheck.StalePolicy.Skip : ReserveCheck.StalePolicy.FailClosed,
                marginBps: uint16(word >> MARGIN_SHIFT),
                pauseMode: flags & PAUSABLE != 0 ? PauseMode.Pausable : PauseMode.Operations,
                operations: _operations(word)
            });
    }
}
