// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAcePausePolicy, IAcePolicyEngine, IAcePolicyProtected} from "../interfaces/IAcePausePolicy.sol";
import {IOperationsPausable} from "../interfaces/IOperationsPausable.sol";
import {IPausable} from "../interfaces/IPausable.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {ISecureMintToken} from "../interfaces/ISecureMintToken.sol";
import {BoundedCall} from "./BoundedCall.sol";

/**
 * @title PauseTarget
 * @notice The calls that pause, unpause and read a protected contract, for each of the guard's pause modes
 * (`IReserveGuard.PauseMode`), made so that nothing the contract does can turn into a revert of the caller:
 * it may revert, burn every unit of gas it is given, return garbage or revert with megabytes ({BoundedCall}).
 *
 * A pause state is a mask of flags: the `OPERATION_*` flags of an `Operations` target (`pausedOperations()`),
 * or the one flag {PAUSED} of a `Pausable` target (`paused()`) or of an ACE `PausePolicy` (`s_paused()`).
 *
 * A pause mode is defined by three functions at the end of this file, {_stateCall}, {_pauseCall} and
 * {_unpauseCall}: adding one is a member of `PauseMode` and a branch in each of the three (a mode other
 * than `Operations` pauses the single flag {PAUSED}; see {flagsOf}). An ACE `PausePolicy` pauses only what its
 * engine runs it on, first: {policyFirstOnMint} reads that.
 */
library PauseTarget {
    /**
     * @notice The gas a pause-state read (`paused()`, `pausedOperations()`) is given: ample for a view
     * reading a slot or two behind a proxy, and a bound on what a target burning gas can take.
     */
    uint256 internal constant STATE_READ_GAS = 30_000;

    /// @notice The most revert data of a failed pause or unpause that is kept (the rest is cut off).
    uint256 internal constant MAX_REVERT_DATA = 256;

    /// @notice The state of a paused target whose mode has a single pause (`Pausable`), as a mask.
    uint8 internal constant PAUSED = 1;

    /**
     * @notice The gas the read of an ACE engine's policy list (`getPolicies`) is given: the engine behind its proxy
     * copies the whole list (a cold slot per policy), so more than a state read; a bound on an engine burning gas.
     */
    uint256 internal constant POLICY_LIST_READ_GAS = 100_000;

    /**
     * @notice The gas {policyFirstOnMint} can take: its two reads at their bounds, with the 1/64 each call keeps
     * back.
     */
    uint256 internal constant POLICY_CHECK_GAS = ((STATE_READ_GAS + POLICY_LIST_READ_GAS) * 64) / 63;

    /// @notice The function an ACE `PausePolicy` pauses for the guard: a `ComplianceTokenERC20`'s `mint`.
    bytes4 internal constant ACE_MINT_SELECTOR = bytes4(keccak256("mint(address,uint256)"));

    /**
     * @notice The flags an asset pauses: its operations in `Operations` mode, {PAUSED} in any other.
     * @param mode the asset's pause mode
     * @param operations the asset's operations mask (0 unless `Operations`)
     */
    function flagsOf(IReserveGuard.PauseMode mode, uint8 operations) internal pure returns (uint8) {
        return mode == IReserveGuard.PauseMode.Operations ? operations : PAUSED;
    }

    /**
     * @notice The target's pause state, with {STATE_READ_GAS} gas and one word of return data.
     * @return ok false when the state cannot be read: a revert, fewer than 32 bytes, a value out of the
     * mode's range (a `bool` other than 0 or 1, a mask above 255), a read burning its gas
     * @return state the mask (0 when `ok` is false)
     */
    function readState(address target, IReserveGuard.PauseMode mode) internal view returns (bool ok, uint8 state) {
        (bytes memory data, uint256 maxState) = _stateCall(mode);
        bytes memory word;
        (ok, word) = BoundedCall.staticcall(target, data, STATE_READ_GAS, 32);
        if (!ok) return (false, 0);
        uint256 value = abi.decode(word, (uint256));
        if (value > maxState) return (false, 0);
        return (true, uint8(value));
    }

    /**
     * @notice Which of `flags` are paused on the target now ({readState}); a state that cannot be read reads
     * as nothing paused.
     */
    function pausedFlags(address target, IReserveGuard.PauseMode mode, uint8 flags) internal view returns (uint8) {
        (, uint8 state) = readState(target, mode);
        return state & flags;
    }

    /**
     * @notice Which of `flags` (in force) the target says someone other than `account` paused: for an
     * `Operations` target that answers `operationPausedBy(flag)` (a `SecureMintToken` does), each flag whose
     * pauser is another account. 0 for any other target, and for a flag whose pauser cannot be read (each read
     * bounded as {readState}).
     */
    function pausedByOthers(
        address target,
        IReserveGuard.PauseMode mode,
        uint8 flags,
        address account
    ) internal view returns (uint8 others) {
        if (mode != IReserveGuard.PauseMode.Operations) return 0;
        for (uint8 flag = 1; flag != 0 && flag <= flags; flag <<= 1) {
            if (flags & flag == 0) continue;
            (bool ok, bytes memory word) = BoundedCall.staticcall(
                target,
                abi.encodeCall(ISecureMintToken.operationPausedBy, (flag)),
                STATE_READ_GAS,
                32
            );
            if (!ok) continue;
            uint256 pauser = abi.decode(word, (uint256));
            if (pauser <= type(uint160).max && pauser != 0 && address(uint160(pauser)) != account) others |= flag;
        }
    }

    /**
     * @notice Whether `policy` is the first policy that `token`'s ACE `PolicyEngine` (`getPolicyEngine()`) runs on
     * its `mint(address,uint256)` (`getPolicies`): only then does pausing it stop every mint, since a policy
     * before it that allows the call skips the rest. Each read bounded ({STATE_READ_GAS},
     * {POLICY_LIST_READ_GAS}; the list's first 96 bytes copied); anything unreadable is false.
     */
    function policyFirstOnMint(address policy, address token) internal view returns (bool) {
        (bool ok, bytes memory word) = BoundedCall.staticcall(
            token,
            abi.encodeCall(IAcePolicyProtected.getPolicyEngine, ()),
            STATE_READ_GAS,
            32
        );
        if (!ok) return false;
        uint256 engine = abi.decode(word, (uint256));
        if (engine > type(uint160).max) return false;
        bytes memory list;
        (ok, list) = BoundedCall.staticcall(
            address(uint160(engine)),
            abi.encodeCall(IAcePolicyEngine.getPolicies, (token, ACE_MINT_SELECTOR)),
            POLICY_LIST_READ_GAS,
            96
        );
        if (!ok) return false;
        // `abi.encode(address[])`: the offset of the array, its length, its first element.
        (uint256 offset, uint256 length, uint256 first) = abi.decode(list, (uint256, uint256, uint256));
        return offset == 32 && length != 0 && first == uint256(uint160(policy));
    }

    /**
     * @notice Pauses `flags` on the target, with `gasLimit` gas.
     * @dev The caller must have more than `gasLimit * 64 / 63` gas left (see {BoundedCall-callNoReturn}).
     * @return success whether the call returned normally
     * @return revertData its revert data, its first {MAX_REVERT_DATA} bytes, when it did not
     */
    function pause(
        address target,
        IReserveGuard.PauseMode mode,
        uint8 flags,
        uint256 gasLimit
    ) internal returns (bool success, bytes memory revertData) {
        return _call(target, _pauseCall(mode, flags), gasLimit);
    }

    /// @notice Unpauses `flags` on the target, as {pause}.
    function unpause(
        address target,
        IReserveGuard.PauseMode mode,
        uint8 flags,
        uint256 gasLimit
    ) internal returns (bool success, bytes memory revertData) {
        return _call(target, _unpauseCall(mode, flags), gasLimit);
    }

    function _call(
        address target,
        bytes memory data,
        uint256 gasLimit
    ) private returns (bool success, bytes memory revertData) {
        success = BoundedCall.callNoReturn(target, data, gasLimit);
        if (!success) revertData = BoundedCall.revertData(MAX_REVERT_DATA);
    }

    // ---------------------------------------------------------------- the pause modes

    /// @dev The call reading a mode's pause state, and the largest state it may answer.
    function _stateCall(IReserveGuard.PauseMode mode) private pure returns (bytes memory data, uint256 maxState) {
        if (mode == IReserveGuard.PauseMode.Operations) {
            return (abi.encodeCall(IOperationsPausable.pausedOperations, ()), type(uint8).max);
        }
        if (mode == IReserveGuard.PauseMode.AcePausePolicy) return (abi.encodeCall(IAcePausePolicy.s_paused, ()), PAUSED);
        return (abi.encodeCall(IPausable.paused, ()), PAUSED);
    }

    /// @dev The call pausing `flags` in a mode.
    function _pauseCall(IReserveGuard.PauseMode mode, uint8 flags) private pure returns (bytes memory) {
        if (mode == IReserveGuard.PauseMode.Operations) {
            return abi.encodeCall(IOperationsPausable.pauseOperations, (flags));
        }
        // The guard pauses only what is not paused: the policy reverts when asked for the state it is in.
        if (mode == IReserveGuard.PauseMode.AcePausePolicy) return abi.encodeCall(IAcePausePolicy.setPausedState, (true));
        return abi.encodeCall(IPausable.pause, ());
    }

    /// @dev The call unpausing `flags` in a mode.
    function _unpauseCall(IReserveGuard.PauseMode mode, uint8 flags) private pure returns (bytes memory) {
        if (mode == IReserveGuard.PauseMode.Operations) {
            return abi.encodeCall(IOperationsPausable.unpauseOperations, (flags));
        }
        if (mode == IReserveGuard.PauseMode.AcePausePolicy) return abi.encodeCall(IAcePausePolicy.setPausedState, (false));
        return abi.encodeCall(IPausable.unpause, ());
    }
}
