// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ISecureMintToken} from "./interfaces/ISecureMintToken.sol";
import {
    ALL_OPERATIONS,
    OPERATION_BURN,
    OPERATION_MINT,
    OPERATION_REDEEM
} from "./interfaces/IOperationsPausable.sol";
import {ReserveCheck} from "./libraries/ReserveCheck.sol";

/**
 * @title SecureMintToken
 * @notice A wrapped-asset ERC-20 (8 decimals, like WBTC) that refuses any mint after which its supply would
 * not be backed by its proof-of-reserve feed, judged by {ReserveCheck} with the amount being minted added
 * to the supply before scaling. Minting needs fresh data: a stale feed refuses the mint (fail-closed).
 *
 * Mint, redeem and burn can each be paused ({pauseOperations}); {ReserveGuard} holds `PAUSER_ROLE` and
 * pauses them when the reserves fall short.
 *
 * Roles:
 * - `DEFAULT_ADMIN_ROLE`: sets the reserve feed, heartbeat and margin; grants the roles.
 * - `MINTER_ROLE`: mints (within the reserves).
 * - `PAUSER_ROLE`: pauses and unpauses operations. Give it to the guard; unpausing through the guard
 *   ({ReserveGuard-unpauseAsset}) adds the check that the asset is backed again.
 *
 * It declares {ISecureMintToken} through ERC-165, so that {ReserveGuard} can read its rules and refuse to
 * judge it by others.
 */
contract SecureMintToken is ERC20, ERC20Burnable, AccessControl, ISecureMintToken {
    /// @notice May mint.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice May pause and unpause operations.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev One slot: read whole by every mint, written by every pause.
    struct State {
        address reserveFeed;
        uint32 heartbeat;
        uint16 marginBps;
        uint8 pausedOperations;
    }

    State private _state;

    /**
     * @param name_ the token name
     * @param symbol_ the token symbol
     * @param admin receives `DEFAULT_ADMIN_ROLE` (non-zero)
     * @param reserveFeed the proof-of-reserve feed
     * @param heartbeat seconds after which the feed's answer is stale
     * @param marginBps extra reserves required over supply, in basis points
     */
    constructor(
        string memory name_,
        string memory symbol_,
        address admin,
        address reserveFeed,
        uint32 heartbeat,
        uint16 marginBps
    ) ERC20(name_, symbol_) {
        if (admin == address(0)) revert InvalidAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setReserveConfig(reserveFeed, heartbeat, marginBps);
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
    function setReserveConfig(
        address reserveFeed,
        uint32 heartbeat,
        uint16 marginBps
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setReserveConfig(reserveFeed, heartbeat, marginBps);
    }

    /**
     * @notice Pauses the given operations. Pauser only.
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function pauseOperations(uint8 operations) external override onlyRole(PAUSER_ROLE) {
        _validateOperations(operations);
        uint8 before = _state.pausedOperations;
        uint8 afterwards = before | operations;
        if (afterwards == before) return;
        _state.pausedOperations = afterwards;
        emit OperationsPaused(_msgSender(), operations, afterwards);
    }

    /**
     * @notice Unpauses the given operations. Pauser only.
     * @param operations a non-empty mask of `OPERATION_*` flags
     */
    function unpauseOperations(uint8 operations) external override onlyRole(PAUSER_ROLE) {
        _validateOperations(operations);
        uint8 before = _state.pausedOperations;
        uint8 afterwards = before & ~operations;
        if (afterwards == before) return;
        _state.pausedOperations = afterwards;
        emit OperationsUnpaused(_msgSender(), operations, afterwards);
    }

    /// @notice The paused operations, as a mask of `OPERATION_*` flags.
    function pausedOperations() external view override returns (uint8) {
        return _state.pausedOperations;
    }

    /// @notice ERC-165: {ISecureMintToken} and {AccessControl}'s interfaces.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ISecureMintToken).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc ISecureMintToken
    function reserveConfig() external view override returns (address reserveFeed, uint32 heartbeat, uint16 marginBps) {
        State memory state = _state;
        return (state.reserveFeed, state.heartbeat, state.marginBps);
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
            marginBps: state.marginBps
        });
        return
            ReserveCheck.evaluate(
                ReserveCheck.readFeed(state.reserveFeed),
                ReserveCheck.liveSupply(totalSupply(), decimals()),
                rules,
                amount,
                block.timestamp
            );
    }

    function _setReserveConfig(address reserveFeed, uint32 heartbeat, uint16 marginBps) private {
        if (reserveFeed.code.length == 0) revert InvalidReserveFeed(reserveFeed);
        if (heartbeat == 0) revert InvalidHeartbeat();
        _state.reserveFeed = reserveFeed;
        _state.heartbeat = heartbeat;
        _state.marginBps = marginBps;
        emit ReserveConfigUpdated(reserveFeed, heartbeat, marginBps);
    }

    function _requireNotPaused(uint8 operation) private view {
        if (_state.pausedOperations & operation != 0) revert OperationPaused(operation);
    }

    function _validateOperations(uint8 operations) private pure {
        if (operations == 0 || operations & ~ALL_OPERATIONS != 0) revert InvalidOperations(operations);
    }
}
