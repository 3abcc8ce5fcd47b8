// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {ALL_OPERATIONS} from "../interfaces/IOperationsPausable.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {ISecureMintToken} from "../interfaces/ISecureMintToken.sol";
import {BoundedCall} from "../libraries/BoundedCall.sol";
import {DelayedChange} from "../libraries/DelayedChange.sol";
import {PauseTarget} from "../libraries/PauseTarget.sol";
import {ReserveCheck} from "../libraries/ReserveCheck.sol";

/**
 * @title AssetRegistry
 * @notice What a {ReserveGuard} protects: each asset's configuration, keyed by its target (the contract that
 * gets paused), in registry order, and the changes scheduled for it.
 *
 * Adding an asset takes effect at once: it only adds protection. Updating or removing one is scheduled in
 * public and applied after the change delay ({_changeDelay}), within {DelayedChange-GRACE_PERIOD}. A
 * configuration is validated when it is added, when an update is scheduled and again when it is applied.
 *
 * Access control is the inheriting contract's: every function here that changes the registry is internal.
 *
 * Storage: one {Asset} per target, holding its configuration and what the guard did to it (the fields
 * {PauseExecutor} writes), laid out so that a check reads two slots (three with a margin) and a pause writes one
 * of them.
 */
abstract contract AssetRegistry is IReserveGuard {
    using EnumerableSet for EnumerableSet.AddressSet;

    /**
     * @notice The most assets one guard protects, so that a full scan stays well inside Automation's
     * 5,000,000-gas check limit (bench/results/gas.json has the cost of 64).
     */
    uint256 public constant MAX_ASSETS = 64;

    /// @notice The least `pauseGas` an asset may have (see {IReserveGuard-AssetConfig}).
    uint32 public constant MIN_PAUSE_GAS = 100_000;

    /// @notice The most `pauseGas` an asset may have: a pause needing more is a guardian's, by hand.
    uint32 public constant MAX_PAUSE_GAS = 2_000_000;

    /// @dev The gas a `SecureMintToken`'s `reserveConfig()` read is given: a view reading one slot.
    uint256 private constant TOKEN_RULES_READ_GAS = 30_000;

    /// @dev The `change` of a scheduled removal.
    bytes32 private constant REMOVAL = keccak256("ReserveGuard.removeAsset");

    /**
     * @dev A registered asset as stored: its configuration (an {IReserveGuard-AssetConfig} in another order) and
     * the guard's record of its pauses. Slots 0 and 1 are what every check reads (slot 2 too, for a margin); the record shares slot 1
     * with the supply source, so that the upkeep's pause, the moment that must be cheap, writes a slot the check
     * has just read instead of creating one. Registered iff `reserveFeed` is not zero (it is a contract).
     * @param upkeepHold the upkeep paused the asset for a shortfall; an unpauser lifts it once backed
     * @param guardianHold a guardian paused the asset by hand; a guardian lifts it
     * @param pausedByGuard the pause flags the guard switched on and has not lifted (a pause someone else
     * made is never counted), so that it only ever undoes its own pauses
     * @param failures the upkeep's failed pauses in a row
     * @param retryAfter when the upkeep tries to pause again after a failure (unix seconds; 0 when not backing
     * off; `uint32` lasts until 2106)
     */
    struct Asset {
        // Slot 0: the reserve feed and the rules.
        address reserveFeed;
        uint32 heartbeat;
        ReserveCheck.MarginMode marginMode;
        ReserveCheck.StalePolicy stalePolicy;
        SupplyKind supplyKind;
        PauseMode pauseMode;
        uint8 operations;
        // Slot 1: the supply, and the pause record ({PauseExecutor}).
        address supplySource;
        uint32 supplyHeartbeat;
        bool upkeepHold;
        bool guardianHold;
        uint8 pausedByGuard;
        uint8 failures;
        uint32 retryAfter;
        // Slot 2: read by a check only when the margin mode has an amount (it is 0 for `None`).
        uint256 marginAmount;
        // Slot 3: read only to pause.
        uint32 pauseGas;
    }

    /// @dev The registered targets, in registry order (a removal moves the last one into the gap).
    EnumerableSet.AddressSet private _targets;
    mapping(address target => Asset) private _assets;
    mapping(address target => DelayedChange.Pending) private _pendingChanges;

    /// @notice No asset at this registry index.
    error IndexOutOfRange(uint256 index);

    // ---------------------------------------------------------------- changes (called by the guard's admin)

    /// @dev Registers an asset, validated.
    function _addAsset(address target, AssetConfig calldata config) internal {
        if (_isRegistered(_assets[target])) revert AssetAlreadyRegistered(target);
        if (_targets.length() >= MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        // Letting the supply exceed the reserves is announced before it applies, as any other loosening.
        if (ReserveCheck.isNegative(config.marginMode)) revert NegativeMarginNotScheduled(config.marginMode);
        _validateAsset(target, config);
        _targets.add(target);
        _store(target, config);
        emit AssetAdded(target, config);
    }

    /// @dev Schedules a new configuration for a registered asset, validated now (and again when applied).
    function _scheduleAssetUpdate(address target, AssetConfig calldata config) internal {
        _requireRegistered(target);
        _validateAsset(target, config);
        DelayedChange.Pending memory pending = _schedule(target, keccak256(abi.encode(config)));
        emit AssetUpdateScheduled(target, config, pending.readyAt);
    }

    /// @dev Schedules the removal of a registered asset.
    function _scheduleAssetRemoval(address target) internal {
        _requireRegistered(target);
        DelayedChange.Pending memory pending = _schedule(target, REMOVAL);
        emit AssetRemovalScheduled(target, pending.readyAt);
    }

    /// @dev Drops the change scheduled for an asset.
    function _cancelAssetChange(address target) internal {
        if (_pendingChanges[target].readyAt == 0) revert AssetChangeNotScheduled(target);
        delete _pendingChanges[target];
        emit AssetChangeCancelled(target);
    }

    /**
     * @dev Applies the update scheduled for an asset, validated again ({_beforeAssetUpdate} first); the record
     * of its pauses is kept.
     */
    function _updateAsset(address target, AssetConfig calldata config) internal {
        _consume(target, keccak256(abi.encode(config)));
        _requireRegistered(target);
        _validateAsset(target, config);
        _beforeAssetUpdate(target, config);
        _store(target, config);
        emit AssetUpdated(target, config);
    }

    /// @dev Applies the removal scheduled for an asset, forgetting it and its record; its target is left as it is.
    function _removeAsset(address target) internal {
        _consume(target, REMOVAL);
        _requireRegistered(target);
        _targets.remove(target);
        delete _assets[target];
        emit AssetRemoved(target);
    }

    // ---------------------------------------------------------------- hooks

    /// @dev The delay an update or removal waits: the guard's admin delay.
    function _changeDelay() internal view virtual returns (uint48);

    /**
     * @dev Called when an update is applied, before the new configuration is stored: the pause executor
     * refuses a new pause mode under its holds and forgets the asset's failed pauses.
     */
    function _beforeAssetUpdate(address target, AssetConfig calldata next) internal virtual;

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReserveGuard
    function assetCount() external view override returns (uint256) {
        return _targets.length();
    }

    /// @inheritdoc IReserveGuard
    function assetAt(uint256 index) external view override returns (address target, AssetConfig memory config) {
        if (index >= _targets.length()) revert IndexOutOfRange(index);
        target = _targets.at(index);
        return (target, _toConfig(_assets[target]));
    }

    /// @inheritdoc IReserveGuard
    function assetConfig(address target) external view override returns (AssetConfig memory) {
        return _toConfig(_registered(target));
    }

    /// @inheritdoc IReserveGuard
    function pendingAssetChange(address target) external view override returns (DelayedChange.Pending memory) {
        return _pendingChanges[target];
    }

    // ---------------------------------------------------------------- for the guard

    /// @dev The number of registered assets.
    function _assetCount() internal view returns (uint256) {
        return _targets.length();
    }

    /// @dev The target at a registry index below {_assetCount}.
    function _targetAt(uint256 index) internal view returns (address) {
        return _targets.at(index);
    }

    /// @dev The stored asset of `target` (all zero when none is registered: see {_isRegistered}).
    function _assetOf(address target) internal view returns (Asset storage) {
        return _assets[target];
    }

    /// @dev The stored asset of `target`; reverts with {UnknownAsset} when none is registered.
    function _registered(address target) internal view returns (Asset storage asset) {
        asset = _assets[target];
        if (!_isRegistered(asset)) revert UnknownAsset(target);
    }

    /// @dev Whether `asset` is registered (a registered asset's reserve feed is a contract).
    function _isRegistered(Asset storage asset) internal view returns (bool) {
        return asset.reserveFeed != address(0);
    }

    /// @dev Reverts with {UnknownAsset} unless an asset is registered for `target`.
    function _requireRegistered(address target) internal view {
        _registered(target);
    }

    /**
     * @dev Whether `account` is a registered asset's target or supply source: the tokens whose mints wake the guard
     * (a token that is its own target, the token of an ACE `PausePolicy`, a token whose supply is read).
     */
    function _isAssetToken(address account) internal view returns (bool) {
        uint256 count = _targets.length();
        for (uint256 i = 0; i < count; ++i) {
            address target = _targets.at(i);
            if (target == account || _assets[target].supplySource == account) return true;
        }
        return false;
    }

    /// @dev The pause flags an asset is configured for: its operations, or `PAUSED` for a one-flag mode.
    function _flagsOf(Asset storage asset) internal view returns (uint8) {
        return PauseTarget.flagsOf(asset.pauseMode, asset.operations);
    }

    /**
     * @dev When the target is a `SecureMintToken` (it says so through ERC-165), reverts with
     * {TokenRulesMismatch} unless its own reserve feed, heartbeat and margin are the asset's: the token and the
     * guard judge the asset alike. Any other target has no rules of its own to compare. Both reads are bounded.
     */
    function _requireTokenRules(address target, Asset storage asset) internal view {
        _requireTokenRules(target, asset.reserveFeed, asset.heartbeat, asset.marginMode, asset.marginAmount);
    }

    /// @dev {_requireTokenRules} for a configuration not stored yet.
    function _requireTokenRules(
        address target,
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) private view {
        if (!ERC165Checker.supportsInterface(target, type(ISecureMintToken).interfaceId)) return;
        (bool ok, bytes memory rules) = BoundedCall.staticcall(
            target,
            abi.encodeCall(ISecureMintToken.reserveConfig, ()),
            TOKEN_RULES_READ_GAS,
            128
        );
        if (!ok) revert TokenRulesUnreadable(target);
        (uint256 tokenFeed, uint256 tokenHeartbeat, uint256 tokenMode, uint256 tokenAmount) = abi.decode(
            rules,
            (uint256, uint256, uint256, uint256)
        );
        if (
            tokenFeed > type(uint160).max ||
            tokenHeartbeat > type(uint32).max ||
            tokenMode > uint256(type(ReserveCheck.MarginMode).max)
        ) {
            revert TokenRulesUnreadable(target);
        }
        ReserveCheck.MarginMode tokenMarginMode = ReserveCheck.MarginMode(tokenMode);
        if (
            address(uint160(tokenFeed)) != reserveFeed ||
            tokenHeartbeat != heartbeat ||
            tokenMarginMode != marginMode ||
            tokenAmount != marginAmount
        ) {
            revert TokenRulesMismatch(
                target,
                address(uint160(tokenFeed)),
                uint32(tokenHeartbeat),
                tokenMarginMode,
                tokenAmount
            );
        }
    }

    // ---------------------------------------------------------------- internals

    /// @dev Rejects configurations the guard could never act on correctly.
    function _validateAsset(address target, AssetConfig calldata config) private view {
        if (target.code.length == 0) revert NotAContract(target);
        if (config.reserveFeed.code.length == 0) revert NotAContract(config.reserveFeed);
        if (config.supplySource.code.length == 0) revert NotAContract(config.supplySource);
        if (config.heartbeat == 0) revert InvalidHeartbeat();
        ReserveCheck.requireValidMargin(config.marginMode, config.marginAmount);
        // A supply feed has a heartbeat of its own; a token's totalSupply() is read live and has none.
        if ((config.supplyKind == SupplyKind.SupplyFeed) != (config.supplyHeartbeat != 0)) {
            revert InvalidSupplyHeartbeat(config.supplyKind, config.supplyHeartbeat);
        }
        bool validMask = config.pauseMode == PauseMode.Operations
            ? config.operations != 0 && config.operations & ~ALL_OPERATIONS == 0
            : config.operations == 0;
        if (!validMask) revert InvalidOperationMask(config.pauseMode, config.operations);
        if (config.pauseGas < MIN_PAUSE_GAS || config.pauseGas > MAX_PAUSE_GAS) revert InvalidPauseGas(config.pauseGas);
        // Every check reads the decimals: they must answer now.
        _requireDecimals(config.reserveFeed);
        _requireDecimals(config.supplySource);
        // The pause interface the mode declares must answer now: a target that cannot be read would never
        // show as paused.
        (bool readable, ) = PauseTarget.readState(target, config.pauseMode);
        if (!readable) revert PauseStateUnreadable(target, config.pauseMode);
        // An ACE PausePolicy is found on its token's mint, through the token's engine, and must run first there.
        if (config.pauseMode == PauseMode.AcePausePolicy) {
            if (config.supplyKind != SupplyKind.TokenTotalSupply) {
                revert InvalidSupplyKind(config.pauseMode, config.supplyKind);
            }
            if (!PauseTarget.policyFirstOnMint(target, config.supplySource)) {
                revert PausePolicyNotFirst(target, config.supplySource);
            }
        }
        _requireTokenRules(target, config.reserveFeed, config.heartbeat, config.marginMode, config.marginAmount);
    }

    /// @dev Stores a validated configuration, keeping the record of the asset's pauses.
    function _store(address target, AssetConfig calldata config) private {
        Asset storage asset = _assets[target];
        asset.reserveFeed = config.reserveFeed;
        asset.heartbeat = config.heartbeat;
        asset.marginMode = config.marginMode;
        asset.marginAmount = config.marginAmount;
        asset.stalePolicy = config.stalePolicy;
        asset.supplyKind = config.supplyKind;
        asset.pauseMode = config.pauseMode;
        asset.operations = config.operations;
        asset.supplySource = config.supplySource;
        asset.supplyHeartbeat = config.supplyHeartbeat;
        asset.pauseGas = config.pauseGas;
    }

    /// @dev A stored asset's configuration, as {IReserveGuard-AssetConfig}.
    function _toConfig(Asset storage asset) private view returns (AssetConfig memory) {
        return
            AssetConfig({
                reserveFeed: asset.reserveFeed,
                supplyKind: asset.supplyKind,
                supplySource: asset.supplySource,
                heartbeat: asset.heartbeat,
                supplyHeartbeat: asset.supplyHeartbeat,
                stalePolicy: asset.stalePolicy,
                marginMode: asset.marginMode,
                marginAmount: asset.marginAmount,
                pauseMode: asset.pauseMode,
                operations: asset.operations,
                pauseGas: asset.pauseGas
            });
    }

    /// @dev Reverts with {DecimalsUnreadable} unless `source` answers `decimals()`.
    function _requireDecimals(address source) private view {
        (bool ok, ) = ReserveCheck.readDecimals(source);
        if (!ok) revert DecimalsUnreadable(source);
    }

    /// @dev Schedules a change (replacing any pending one) for when the change delay has passed.
    function _schedule(address target, bytes32 change) private returns (DelayedChange.Pending memory pending) {
        pending = DelayedChange.schedule(change, _changeDelay());
        _pendingChanges[target] = pending;
    }

    /// @dev Consumes the change scheduled for `target`: it must be `change`, ready and not expired.
    function _consume(address target, bytes32 change) private {
        DelayedChange.Pending memory pending = _pendingChanges[target];
        DelayedChange.Status status = DelayedChange.status(pending, change);
        if (status == DelayedChange.Status.NotScheduled) revert AssetChangeNotScheduled(target);
        if (status == DelayedChange.Status.NotReady) revert AssetChangeNotReady(target, pending.readyAt);
        if (status == DelayedChange.Status.Expired) revert AssetChangeExpired(target, pending.expiresAt);
        delete _pendingChanges[target];
    }
}
