// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {ILogAutomation, Log} from "@chainlink/contracts/src/v0.8/automation/interfaces/ILogAutomation.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReportReceiver} from "./cre/ReportReceiver.sol";
import {IReserveGuard} from "./interfaces/IReserveGuard.sol";
import {ReserveScan} from "./guard/ReserveScan.sol";

/**
 * @title ReserveGuard
 * @notice Pauses protected assets whose proof of reserve shows a shortfall, judged by {ReserveCheck}: a
 * Chainlink Automation upkeep (conditional, and log triggers on a feed update or a token's mint) and a CRE
 * receiver.
 *
 * This file is the guard's entry points and who may call each; the work is done by the contracts it builds on
 * (docs/contracts.md, "Reading the guard"):
 * - {AssetRegistry}: what is protected, each asset's configuration, and its delayed updates and removals;
 * - {PauseExecutor}: how a target is paused and unpaused, and what the guard remembers of it (its holds, the
 *   flags it switched on, failed pauses);
 * - {ReserveScan}: the reserve check of an asset, the scan behind {checkUpkeep} and the perform path behind
 *   {performUpkeep} and {onReport};
 * - {ReportReceiver}: which CRE forwarder and workflows may deliver reports.
 *
 * Roles (every power, and how fast it acts, is in docs/contracts.md, "Who can do what, and how fast"):
 * - `DEFAULT_ADMIN_ROLE`: registers assets (at once); schedules, applies and cancels their updates and removals
 *   (applied after the admin delay, within 14 days); hands back the ownership of a contract the guard owns once it
 *   is no asset's target ({releaseOwnership}: an ACE `PausePolicy`, after its asset's delayed removal); grants
 *   every role. It changes hands in two steps, after
 *   the same delay (`AccessControlDefaultAdminRules`).
 * - `FORWARDER_ROLE`: may call {performUpkeep}. Grant it to the Automation forwarder of each upkeep registered
 *   on this contract (a conditional and a log-trigger upkeep have one forwarder each).
 * - `RECEIVER_ADMIN_ROLE`: sets the CRE forwarder and allows workflows ({ReportReceiver}).
 * - `GUARDIAN_ROLE`: pauses an asset by hand ({pauseAsset}), whatever its reserves, and lifts its own hold
 *   ({liftGuardianPause}); clears a failing asset's backoff ({clearPauseBackoff}). An issuer's own incident
 *   pauses go through this role, so that the upkeep's unpauser cannot lift them.
 * - `UNPAUSER_ROLE`: lifts the upkeep's hold ({unpauseAsset}) once the asset is backed.
 *
 * Why only forwarders may perform: the guard is a kill switch on someone else's asset, so it is pulled only by
 * parties the issuer chose (the upkeeps' forwarders, the allowed CRE workflows, and guardians by hand).
 * Letting anyone call it would be safe against forged `performData` (everything is re-checked) and against gas
 * games ({MIN_GAS_PER_ASSET} gives every call its full bound). It would add no liveness, since Automation calls
 * it anyway, and it would let any third party act first on every fail-closed condition, such as a feed one
 * second past its heartbeat or a transient revert during a feed migration.
 */
contract ReserveGuard is
    ReserveScan,
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

    /// @notice `topic0` of `AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)`.
    bytes32 public constant ANSWER_UPDATED_TOPIC = keccak256("AnswerUpdated(int256,uint256,uint256)");

    /**
     * @notice `topic0` of an ERC-20's `Transfer(address indexed from, address indexed to, uint256 value)`: from the
     * zero address, a mint.
     */
    bytes32 public constant TRANSFER_TOPIC = keccak256("Transfer(address,address,uint256)");

    /// @notice The admin address is the zero address.
    error InvalidAdmin();

    /**
     * @param admin receives `DEFAULT_ADMIN_ROLE`; it is handed over in two steps, after `delay`
     * (OpenZeppelin's `AccessControlDefaultAdminRules`)
     * @param delay the admin delay: how long a transfer of the admin role, and every update or removal of an
     * asset, waits before it can be completed (see {scheduleAssetUpdate})
     */
    constructor(address admin, uint48 delay) AccessControlDefaultAdminRules(delay, _nonZero(admin)) {}

    // ---------------------------------------------------------------- Automation and CRE

    /**
     * @notice Lists the registered assets that are short, not backing off and not yet paused, at most
     * `maxEntries` of them, in registry order. The rest are listed by the next check, once these are paused.
     * @dev Simulated off-chain by Automation nodes. Every feed, token and target call is bounded in gas, so the
     * scan costs at most {MAX_ASSETS} times a known amount whatever the contracts do.
     * @param checkData empty for `DEFAULT_MAX_ENTRIES`, or `abi.encode(uint256 maxEntries)` with
     * `1 ≤ maxEntries ≤ MAX_ENTRIES` (performData is `64 + 32 × maxEntries` bytes at most: see `MAX_ENTRIES`).
     * Anything else reverts with {InvalidCheckData}.
     * @return upkeepNeeded whether at least one asset needs pausing
     * @return performData `abi.encode(uint256[] entries)` when `upkeepNeeded`, else empty: one entry per asset,
     * `uint256(uint160(target)) | index << 160`
     */
    function checkUpkeep(
        bytes calldata checkData
    ) external view override returns (bool upkeepNeeded, bytes memory performData) {
        return _scan(_maxEntries(checkData));
    }

    /**
     * @notice Log trigger: on a feed's `AnswerUpdated`, or on a mint (`Transfer` from the zero address) of a
     * registered asset's token, lists the assets to pause, as {checkUpkeep}. A mint with no feed update is how an
     * unbacked supply appears on a token without a mint gate: this pauses it in the block after.
     * @dev The log only wakes the guard up; nothing in it is trusted, and every asset is re-read. A feed update is
     * not matched on `log.source`: a Chainlink feed proxy's `AnswerUpdated` comes from its current aggregator,
     * not from the proxy address an asset is configured with. A mint is, since a token emits its own events: the
     * source must be an asset's target or supply source ({AssetRegistry-_isAssetToken}). Other events give no
     * upkeep.
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
        if (log.topics.length != 3) return (false, "");
        bool feedUpdate = log.topics[0] == ANSWER_UPDATED_TOPIC;
        bool mint = log.topics[0] == TRANSFER_TOPIC && log.topics[1] == bytes32(0) && _isAssetToken(log.source);
        if (!feedUpdate && !mint) return (false, "");
        return _scan(maxEntries);
    }

    /**
     * @notice Pauses the listed assets that are, on-chain and right now, registered, short and not paused
     * (see {ReserveScan-_perform}). Forwarders only (see the contract documentation).
     * @param performData `abi.encode(uint256[] entries)`, each `uint256(uint160(target)) | index << 160`
     */
    function performUpkeep(
        bytes calldata performData
    ) external override(AutomationCompatibleInterface, ILogAutomation) onlyRole(FORWARDER_ROLE) {
        // The gas is the upkeep's limit, set by the registry: short of it, stop and leave the rest to the next perform.
        _perform({performData: performData, wholeList: false});
    }

    /**
     * @dev CRE: a report of an allowed reserve-guard workflow, delivered by the configured forwarder (see
     * {ReportReceiver}), is performed as {performUpkeep}: it is the same list, trusted as little. One difference:
     * anyone may deliver the signed report, with the gas they choose, and a delivery that returns is final; so a
     * report that lacks the gas for its whole list reverts ({ReportGasExhausted}) and stays open to a delivery
     * with more gas, instead of stopping short as a perform does ({ReserveScan-_perform}).
     * @param report `abi.encode(uint256[] entries)`, the performData of the guard's own {checkUpkeep}
     */
    function _processReport(bytes calldata report) internal override {
        _perform({performData: report, wholeList: true});
    }

    // ---------------------------------------------------------------- guardian and unpauser

    /// @inheritdoc IReserveGuard
    function pauseAsset(address target) external override onlyRole(GUARDIAN_ROLE) {
        _pauseByGuardian(target);
    }

    /// @inheritdoc IReserveGuard
    function liftGuardianPause(address target) external override onlyRole(GUARDIAN_ROLE) {
        _liftHold(target, Hold.Guardian);
    }

    /// @inheritdoc IReserveGuard
    function clearPauseBackoff(address target) external override onlyRole(GUARDIAN_ROLE) {
        _clearPauseBackoff(target);
    }

    /// @inheritdoc IReserveGuard
    function unpauseAsset(address target) external override onlyRole(UNPAUSER_ROLE) {
        _liftHold(target, Hold.Upkeep);
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IReserveGuard
    function addAsset(address target, AssetConfig calldata config) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _addAsset(target, config);
    }

    /// @inheritdoc IReserveGuard
    function scheduleAssetUpdate(
        address target,
        AssetConfig calldata config
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _scheduleAssetUpdate(target, config);
    }

    /// @inheritdoc IReserveGuard
    function scheduleAssetRemoval(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _scheduleAssetRemoval(target);
    }

    /// @inheritdoc IReserveGuard
    function cancelAssetChange(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _cancelAssetChange(target);
    }

    /// @inheritdoc IReserveGuard
    function updateAsset(address target, AssetConfig calldata config) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _updateAsset(target, config);
    }

    /// @inheritdoc IReserveGuard
    function removeAsset(address target) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _removeAsset(target);
    }

    /// @inheritdoc IReserveGuard
    function releaseOwnership(address target, address newOwner) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_isRegistered(_assetOf(target))) revert TargetRegistered(target);
        Ownable(target).transferOwnership(newOwner);
        emit OwnershipReleased(target, newOwner);
    }

    // ---------------------------------------------------------------- wiring

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

    /// @dev {AssetRegistry}'s change delay: the admin delay.
    function _changeDelay() internal view override returns (uint48) {
        return defaultAdminDelay();
    }

    /// @dev The admin, refused when zero with the guard's own error (before OpenZeppelin's check).
    function _nonZero(address admin) private pure returns (address) {
        if (admin == address(0)) revert InvalidAdmin();
        return admin;
    }
}
