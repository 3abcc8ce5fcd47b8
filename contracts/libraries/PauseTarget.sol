// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOperationsPausable} from "../interfaces/IOperationsPausable.sol";
import {IPausable} from "../interfaces/IPausable.sol";

/**
 * @title PauseTarget
 * @notice Calls to a protected contract's pause interface that nothing the contract does can turn into a
 * revert of the caller: the contract may revert, burn every unit of gas it is given, return garbage or
 * revert with megabytes of data. Reads go the way {ReserveCheck} reads feeds: a low-level static call with
 * bounded gas and bounded return data, length and range checked, anything else reading as "not paused".
 *
 * A target is paused one of two ways: `Pausable` (`paused()`, `pause()`, `unpause()`), whose state is
 * written here as the one-flag mask {PAUSED}, or `Operations` (`pausedOperations()`,
 * `pauseOperations(mask)`, `unpauseOperations(mask)`), whose state is its mask of `OPERATION_*` flags.
 */
library PauseTarget {
    /**
     * @notice The gas a pause-state read (`paused()`, `pausedOperations()`) is given: ample for a view
     * reading a slot or two behind a proxy, and a bound on what a target burning gas can take.
     */
    uint256 internal constant STATE_READ_GAS = 30_000;

    /**
     * @notice The gas a pause or unpause call is given: ample for a role check, a storage write from zero
     * and an event behind a proxy (about 30,000), and a bound on what one target can take from the others.
     */
    uint256 internal constant CALL_GAS = 100_000;

    /// @notice The most revert data of a failed call that is kept (the rest is cut off).
    uint256 internal constant MAX_REVERT_DATA = 256;

    /// @notice The state of a paused `Pausable` target, as a mask.
    uint8 internal constant PAUSED = 1;

    /**
     * @notice The target's pause state: `paused()` read as {PAUSED} or 0 for a `Pausable` target,
     * `pausedOperations()` for an `Operations` one.
     * @return ok false when the state cannot be read: a revert, fewer than 32 bytes, a bool other than 0 and
     * 1, a mask above 255, a read burning its {STATE_READ_GAS} (only one word is ever copied)
     * @return state the mask (0 when `ok` is false)
     */
    function readState(address target, bool pausable) internal view returns (bool ok, uint8 state) {
        bytes4 selector = pausable ? IPausable.paused.selector : IOperationsPausable.pausedOperations.selector;
        uint256 max = pausable ? 1 : type(uint8).max;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            ok := staticcall(STATE_READ_GAS, target, 0x00, 0x04, 0x00, 0x20)
            let word := mload(0x00)
            ok := and(and(ok, gt(returndatasize(), 0x1f)), iszero(gt(word, max)))
            state := mul(ok, word)
        }
    }

    /**
     * @notice Which of `flags` are paused on the target now ({readState}); a state that cannot be read reads
     * as nothing paused.
     */
    function pausedFlags(address target, bool pausable, uint8 flags) internal view returns (uint8) {
        (, uint8 state) = readState(target, pausable);
        return state & flags;
    }

    /**
     * @notice Pauses `flags` on the target (`pause()`, or `pauseOperations(flags)`) with {CALL_GAS} gas.
     * @dev The caller must make sure that it has more than `CALL_GAS * 64 / 63` gas left, or the call gets
     * less than {CALL_GAS} (a pause starved of gas would fail for the caller's reasons, not the target's).
     * @return success whether the call returned normally ({revertData} has its revert data when not)
     */
    function pause(address target, bool pausable, uint8 flags) internal returns (bool success) {
        return _call(target, pausable ? IPausable.pause.selector : IOperationsPausable.pauseOperations.selector, pausable, flags);
    }

    /// @notice Unpauses `flags` on the target (`unpause()`, or `unpauseOperations(flags)`), as {pause}.
    function unpause(address target, bool pausable, uint8 flags) internal returns (bool success) {
        return
            _call(target, pausable ? IPausable.unpause.selector : IOperationsPausable.unpauseOperations.selector, pausable, flags);
    }

    /**
     * @notice The first {MAX_REVERT_DATA} bytes of the return data of the last call, for a {pause} or
     * {unpause} that failed (empty when the target ran out of gas or reverted without data).
     */
    function revertData() internal pure returns (bytes memory data) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            size := returndatasize()
        }
        if (size > MAX_REVERT_DATA) size = MAX_REVERT_DATA;
        data = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            returndatacopy(add(data, 0x20), 0, size)
        }
    }

    /// @dev `selector()` or `selector(uint8 flags)`, with {CALL_GAS}; nothing of the return data is copied.
    function _call(address target, bytes4 selector, bool noArgument, uint8 flags) private returns (bool success) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // The call data in the scratch space: the selector, then the mask as one word.
            mstore(0x00, selector)
            mstore(0x04, flags)
            success := call(CALL_GAS, target, 0, 0x00, sub(0x24, mul(noArgument, 0x20)), 0, 0)
        }
    }
}
