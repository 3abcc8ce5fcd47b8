// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title BoundedCall
 * @notice Calls to contracts that may misbehave, bounded in gas and in return data: the callee may revert,
 * burn every unit of gas it is given, return too little, return garbage or return (or revert with) megabytes.
 * Whatever it does costs the caller at most the gas it gave and the bytes it chose to copy, and never reverts
 * the caller.
 *
 * Solidity's own calls cannot do this: `target.f{gas: g}()` copies the whole return data into memory (a
 * callee returning megabytes makes the caller pay the memory), and decoding it reverts on garbage. This is the
 * one place the reserve guard, the reserve rules and the pause targets use inline assembly.
 */
library BoundedCall {
    /**
     * @notice Static-calls `target` with `data` and `gasLimit` gas, and copies the first `size` bytes of what it
     * returns.
     * @dev The caller must have more than `gasLimit * 64 / 63` gas left for the callee to get all of
     * `gasLimit` (EIP-150); with less, a callee that needs it fails for the caller's reasons.
     * @return ok false when the call reverts or returns fewer than `size` bytes (an address without code
     * returns none)
     * @return returned the first `size` bytes of the return data (zeros when `ok` is false)
     */
    function staticcall(
        address target,
        bytes memory data,
        uint256 gasLimit,
        uint256 size
    ) internal view returns (bool ok, bytes memory returned) {
        returned = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // At most `size` bytes are copied into `returned`, however many the callee returns: it pays for the
            // data it produces, the caller only for what it copies. Fewer than `size` bytes is a failure, or the
            // rest of `returned` would read as zeros.
            ok := staticcall(gasLimit, target, add(data, 0x20), mload(data), add(returned, 0x20), size)
            ok := and(ok, iszero(lt(returndatasize(), size)))
        }
    }

    /**
     * @notice Calls `target` with `data` and `gasLimit` gas, copying nothing it returns (as OpenZeppelin's
     * `LowLevelCall.callNoReturn`, with a gas limit); {revertData} has the revert data of a call that failed.
     * @dev As {staticcall}: the caller must have more than `gasLimit * 64 / 63` gas left.
     * @return success whether the call returned normally
     */
    function callNoReturn(address target, bytes memory data, uint256 gasLimit) internal returns (bool success) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // No value, and no return data copied (output size 0): a callee answering with megabytes costs
            // the caller nothing.
            success := call(gasLimit, target, 0, add(data, 0x20), mload(data), 0, 0)
        }
    }

    /**
     * @notice The first `maxSize` bytes of the return data of the last call, for a {callNoReturn} that failed: its
     * revert data, cut (empty when the callee ran out of gas or reverted without data).
     */
    function revertData(uint256 maxSize) internal pure returns (bytes memory data) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Only the size is read here; what is copied is bounded below.
            size := returndatasize()
        }
        if (size > maxSize) size = maxSize;
        data = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // `size` is at most `maxSize`: a megabyte of revert data costs `maxSize` bytes of memory.
            returndatacopy(add(data, 0x20), 0, size)
        }
    }
}
