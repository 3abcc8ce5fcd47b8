// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ISecureMintToken} from "./interfaces/ISecureMintToken.sol";
import {
    ALL_OPERATIONS,
    OPERATION_BURN,
    OPERATION_MINT,
    OPERATION_REDEEM
} from "./interfaces/IOperationsPausable.sol";
import {DelayedChange} from "./libraries/DelayedChange.sol";
import {ReserveCheck} from "./libraries/ReserveCheck.sol";

/**
 * @title SecureMintToken
 * @notice A wrapped-asset ERC-20 (8 decimals, like WBTC) that refuses any mint after which its supply would
 * not be backed by its proof-of-reserve feed, judged by {ReserveCheck} with the amount being minted added
 * to the supply before scaling. Minting needs fresh data: a stale feed refuses the mint (fail-closed).
 *
 * Mint, redeem and burn can each be paused ({pauseOperations}); {ReserveGuard} holds `PAUSER_ROLE` and
 * pauses them when the reserves fall short. Each paused operation remembers who paused it
 * ({operationPausedBy}), and a pauser cannot place a pause of its own on an operation someone else paused
 * ({OperationPausedByAnother}): the call would change nothing, and whoever holds the pause may lift it.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE`: schedules and applies a new reserve feed, heartbeat and margin (after the admin
 *   delay, within 14 days; a negative margin, which lets the supply exceed the reserves, only this way); grants
 *   the roles (at once). It changes hands in two steps, after the same delay
 *   (`AccessControlDefaultAdminRules`).
 * - `MINTER_ROLE`: mints (within the reserves).
 * - `PAUSER_ROLE`: pauses and unpauses operations. Give it to the guard; unpausing through the guard
 *   ({ReserveGuard-unpauseAsset}) adds the check that the asset is backed again.
 *
 * It declares {ISecureMintToken} through ERC-165, so that {ReserveGuard} can read its rules and refuse to
 * judge it by others.
 */
contract SecureMintToken is ERC20, ERC20Burnable, AccessControlDefaultAdminRules, ISecureMintToken {
    /// @notice May mint.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice May pause and unpause operations.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev One slot: read whole by every mint, written by every pause.
    struct State {
        address reserveFeed;
        uint32 heartbeat;
        ReserveCheck.MarginMode marginMode;
        uint8 pausedOperations;
    }

    State private _state;
    /// @dev The margin's amount: a slot of its own, read by a mint only when the mode has one (0 for `None`).
    uint256 private _marginAmount;
    /// @dev Who paused each paused operation, by its `OPERATION_*` flag.
    mapping(uint8 operation => address account) private _pausedBy;
    DelayedChange.Pending private _pendingReserveConfig;

    /**
     * @param name_ the token name
     * @param symbol_ the token symbol
     * @param admin receives `DEFAULT_ADMIN_ROLE` (non-zero); it is handed over in two steps, after `delay`
     * @param delay the admin delay: how long a transfer of the admin role, and every change of the reserve
     * configuration, waits before it can be completed
     * @param reserveFeed the proof-of-reserve feed
     * @param heartbeat seconds after which the feed's answer is stale
     * @param marginMode how much of the reserves may be minted against ({ReserveCheck-MarginMode}); not a
     * negative mode, which only a scheduled change sets ({NegativeMarginNotScheduled})
     * @param marginAmount the margin, within its mode's bounds
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        uint48 delay,
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) ERC20(name_, symbol_) AccessControlDefaultAdminRules(delay, _nonZero(admin)) {
        if (ReserveCheck.isNegative(marginMode)) revert NegativeMarginNotScheduled(marginMode);
        _setReserveConfig(reserveFeed, heartbeat, marginMode, marginAmount);
    }

    /// @notice 8, like WBTC.
    function decimals() public pure override returns (uint8) {
        return 8;
    }

    /// @inheritdoc ISecureMintToken
    function mint(address to, uint256 amount) external override onlyRole(MINTER_ROLE) {
        _requireNotPaused(OPERATION_MINT);
        ReserveCheck.Result memory result = _check(amount);
        if (result.verdict != ReserveCheck.Verdict.Backed) {
            revert MintNotBacked(result.verdict, result.reason, result.reserves, result.supply, amount);
        }
        _mint(to, amount);
    }

    /// @inheritdoc ISecureMintToken
    function redeem(uint256 amount, string calldata destination) external override {
        _requireNotPaused(OPERATION_REDEEM);
        if (bytes(destination).length == 0) revert EmptyDestination();
        _burn(_msgSender(), amount);
        emit Redeemed(_msgSender(), amount, destination);
    }

    /**
     * @notice Burns the caller's tokens. Refused while burning is paused.
     * @param value the amount
     */
    function burn(uint256 value) public override {
        _requireNotPaused(OPERATION_BURN);
        super.burn(value);
    }

    /**
     * @notice Burns tokens from `account` within the caller's allowance. Refused while burning is paused.
     * @param account the holder
     * @param value the amount
     */
    function burnFrom(address account, uint256 value) public override {
        _requireNotPaused(OPERATION_BURN);
        super.burnFrom(account, value);
    }

    /// @inheritdoc ISecureMintToken
    function scheduleReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _validateReserveConfig(reserveFeed, heartbeat, marginMode, marginAmount);
        DelayedChange.Pending memory pending = DelayedChange.schedule(
            _reserveConfigHash(reserveFeed, heartbeat, marginMode, marginAmount),
            defaultAdminDelay()
        );
        _pendingReserveConfig = pending;
        emit ReserveConfigScheduled(
            reserveFeed,
            heartbeat,
            marginMode,
            marginAmount,
            pending.readyAt,
            pending.expiresAt
        );
    }

    /// @inheritdoc ISecureMintToken
    function setReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        DelayedChange.Pending memory pending = _pendingReserveConfig;
        DelayedChange.Status status = DelayedChange.status(
            pending,
            _reserveConfigHash(reserveFeed, heartbeat, marginMode, marginAmount)
        );
        if (status == DelayedChange.Status.NotScheduled) revert ReserveConfigNotScheduled();
        if (status == DelayedChange.Status.NotReady) revert ReserveConfigNotReady(pending.readyAt);
        if (status == DelayedChange.Status.Expired) revert ReserveConfigExpired(pending.expiresAt);
        delete _pendingReserveConfig;
        _setReserveConfig(reserveFeed, heartbeat, marginMode, marginAmount);
    }

    /// @inheritdoc ISecureMintToken
    function cancelReserveConfig() external override onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_pendingReserveConfig.readyAt == 0) revert ReserveConfigNotScheduled();
        delete _pendingReserveConfig;
        emit ReserveConfigCancelled();
    }

    /**
     * @notice Pauses the given operations, recording the caller as who paused each it switches on. Refused
     * with {OperationPausedByAnother} for an operation another account paused. Pauser only.
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function pauseOperations(uint8 operations) external override onlyRole(PAUSER_ROLE) {
        _validateOperations(operations);
        uint8 before = _state.pausedOperations;
        // A pause someone else holds is refused, not silently shared: its holder may lift it.
        for (uint8 operation = 1; operation <= ALL_OPERATIONS; operation <<= 1) {
            if (operations & before & operation == 0) continue;
            address holder = _pausedBy[operation];
            if (holder != _msgSender()) revert OperationPausedByAnother(operation, holder);
        }
        uint8 afterwards = before | operations;
        if (afterwards == before) return;
        for (uint8 operation = 1; operation <= ALL_OPERATIONS; operation <<= 1) {
            if ((afterwards & ~before) & operation != 0) _pausedBy[operation] = _msgSender();
        }
        _state.pausedOperations = afterwards;
        emit OperationsPaused(_msgSender(), operations, afterwards);
    }

    /**
     * @notice Unpauses the given operations, whoever paused them. Pauser only.
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function unpauseOperations(uint8 operations) external override onlyRole(PAUSER_ROLE) {
        _validateOperations(operations);
        uint8 before = _state.pausedOperations;
        uint8 afterwards = before & ~operations;
        if (afterwards == before) return;
        for (uint8 operation = 1; operation <= ALL_OPERATIONS; operation <<= 1) {
            if ((before & ~afterwards) & operation != 0) delete _pausedBy[operation];
        }
        _state.pausedOperations = afterwards;
        emit OperationsUnpaused(_msgSender(), operations, afterwards);
    }

    /// @notice The paused operations, as a mask of `OPERATION_*` flags.
    function pausedOperations() external view override returns (uint8) {
        return _state.pausedOperations;
    }

    /// @inheritdoc ISecureMintToken
    function operationPausedBy(uint8 operation) external view override returns (address) {
        return _pausedBy[operation];
    }

    /// @inheritdoc ISecureMintToken
    function pendingReserveConfig() external view override returns (DelayedChange.Pending memory) {
        return _pendingReserveConfig;
    }

    /// @notice ERC-165: {ISecureMintToken} and {AccessControlDefaultAdminRules}' interfaces.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ISecureMintToken).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc ISecureMintToken
    function reserveConfig()
        external
        view
        override
        returns (address reserveFeed, uint32 heartbeat, ReserveCheck.MarginMode marginMode, uint256 marginAmount)
    {
        State memory state = _state;
        return (state.reserveFeed, state.heartbeat, state.marginMode, _marginAmount);
    }

    /// @inheritdoc ISecureMintToken
    function reserveStatus(uint256 amount) external view override returns (ReserveCheck.Result memory) {
        return _check(amount);
    }

    /// @dev The reserve check for a mint of `amount`, with stale data failing closed.
    function _check(uint256 amount) private view returns (ReserveCheck.Result memory) {
        State memory state = _state;
        ReserveCheck.Rules memory rules = ReserveCheck.Rules({
            heartbeat: state.heartbeat,
            supplyHeartbeat: 0, // its own totalSupply(), read live: never stale
            stalePolicy: ReserveCheck.StalePolicy.FailClosed,
            marginMode: state.marginMode,
            marginAmount: 0
        });
        // The amount's slot is read only when the mode has an amount (it is 0 for `None`).
        if (state.marginMode != ReserveCheck.MarginMode.None) rules.marginAmount = _marginAmount;
        return
            ReserveCheck.evaluate(
                ReserveCheck.readFeed(state.reserveFeed),
                ReserveCheck.liveSupply(totalSupply(), decimals()),
                rules,
                amount,
                block.timestamp
            );
    }

    function _setReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) private {
        _validateReserveConfig(reserveFeed, heartbeat, marginMode, marginAmount);
        _state.reserveFeed = reserveFeed;
        _state.heartbeat = heartbeat;
        _state.marginMode = marginMode;
        _marginAmount = marginAmount;
        emit ReserveConfigUpdated(reserveFeed, heartbeat, marginMode, marginAmount);
    }

    function _validateReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) private view {
        if (reserveFeed.code.length == 0) revert InvalidReserveFeed(reserveFeed);
        if (heartbeat == 0) revert InvalidHeartbeat();
        ReserveCheck.requireValidMargin(marginMode, marginAmount);
    }

    function _reserveConfigHash(
        address reserveFeed,
        uint32 heartbeat,
        ReserveCheck.MarginMode marginMode,
        uint256 marginAmount
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(reserveFeed, heartbeat, marginMode, marginAmount));
    }

    /// @dev The admin, refused when zero with the token's own error (before OpenZeppelin's check).
    function _nonZero(address admin) private pure returns (address) {
        if (admin == address(0)) revert InvalidAdmin();
        return admin;
    }

    function _requireNotPaused(uint8 operation) private view {
        if (_state.pausedOperations & operation != 0) revert OperationPaused(operation);
    }

    function _validateOperations(uint8 operations) private pure {
        if (operations == 0 || operations & ~ALL_OPERATIONS != 0) revert InvalidOperations(operations);
    }
}
