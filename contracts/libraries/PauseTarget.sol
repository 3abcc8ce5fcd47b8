// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOperationsPausable} from "../interfaces/IOperationsPausable.sol";
import {IPausable} from "../interfaces/IPausable.sol";

/**
 * @title PauseTarget
 * @notice Calls to a protected contract's pause interface that nothing the contract does can turn into a
 * revert of the caller: the contract may revert, burn every unit of gas it is given, return garbage or
 * revert with megabytes of data. Reads go the way {ReserveCheck} reads feeds: a low-level static call
 * with bounded gas and bounded return data, length and range checked, anything else reading as "unknown".
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

    /**
     * @notice Reads `pausedOperations()`.
     * @return ok false when the call reverts, runs out of its gas, returns fewer than 32 bytes or a word
     * above 255
     * @return mask the paused `OPERATION_*` flags (0 when `ok` is false)
     */
    function readPausedOperations(address target) internal view returns (bool ok, uint8 mask) {
        (bool called, uint256 word) = _staticcallWord(target, IOperationsPausable.pausedOperations.selector);
        if (!called || word > type(uint8).max) return (false, 0);
        return (true, uint8(word));
    }

    /**
     * @notice Reads `paused()`.
     * @return ok false when the call reverts, runs out of its gas, returns fewer than 32 bytes or a word
     * other than 0 and 1
     * @return isPaused the answer (false when `ok` is false)
     */
    function readPaused(address target) internal view returns (bool ok, bool isPaused) {
        (bool called, uint256 word) = _staticcallWord(target, IPausable.paused.selector);
        if (!called || word > 1) return (false, false);
        return (true, word == 1);
    }

    /**
     * @notice Calls `target` with `data` and {CALL_GAS} gas.
     * @dev The caller must make sure that it has more than `CALL_GAS * 64 / 63` gas left, or the call gets
     * less than {CALL_GAS} (a pause starved of gas would fail for the caller's reasons, not the target's).
     * @return success whether the call returned normally
     * @return revertData the first {MAX_REVERT_DATA} bytes of the revert data when it did not (empty when the
     * target ran out of gas or reverted without data)
     */
    function call(address target, bytes memory data) internal returns (bool success, bytes memory revertData) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Nothing of the return data is copied by the call itself (out size 0).
            success := call(CALL_GAS, target, 0, add(data, 0x20), mload(data), 0, 0)
        }
        if (success) return (true, "");
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            size := returndatasize()
        }
        if (size > MAX_REVERT_DATA) size = MAX_REVERT_DATA;
        revertData = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            returndatacopy(add(revertData, 0x20), 0, size)
        }
    }

    /**
     * @dev Static-calls a no-argument function returning one word, with {STATE_READ_GAS} gas. `ok` is false
     * when the call reverts, runs out of gas or returns fewer than 32 bytes (a target without code returns
     * nothing); only the first word is copied, whatever the size of the return data.
     */
    function _staticcallWord(address target, bytes4 selector) private view returns (bool ok, uint256 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            ok := staticcall(STATE_READ_GAS, target, 0x00, 0x04, 0x00, 0x20)
            ok := and(ok, gt(returndatasize(), 0x1f))
            word := mul(ok, mload(0x00))
        }
    }
}
