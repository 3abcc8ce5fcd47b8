// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title MinimalMulticall3
 * @notice A minimal Multicall3-compatible batcher for tests: `aggregate3`, `getBlockNumber`,
 * `getCurrentBlockTimestamp` and `getEthBalance`, with the same signatures (hence selectors and ABI) as Multicall3
 * (https://github.com/mds1/multicall), which is deployed at 0xcA11bde05977b3631167028862bE2a173976CA11
 * on most EVM chains.
 * @dev Stateless: no storage and no immutables, so its runtime bytecode can be placed at the canonical
 * address with `hardhat_setCode` and behaves exactly as if it had been deployed there.
 */
contract MinimalMulticall3 {
    /// @notice One call to make: `allowFailure` false makes a revert of this call revert the batch.
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice What one call returned, or its revert data when `success` is false.
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice A call that did not allow failure reverted.
    /// @param index Position of the call in the batch.
    error Multicall3CallFailed(uint256 index);

    /**
     * @notice Makes every call in order and returns each outcome.
     * @param calls The calls to make.
     * @return returnData One result per call, in order.
     */
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        uint256 length = calls.length;
        returnData = new Result[](length);
        for (uint256 i = 0; i < length; ++i) {
            Call3 calldata call = calls[i];
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory data) = call.target.call(call.callData);
            if (!success && !call.allowFailure) revert Multicall3CallFailed(i);
            returnData[i] = Result(success, data);
        }
    }

    /// @notice The number of the block the call executes in.
    /// @return blockNumber `block.number`.
    function getBlockNumber() external view returns (uint256 blockNumber) {
        blockNumber = block.number;
    }

    /// @notice The timestamp of the block the call executes in.
    /// @return timestamp `block.timestamp`.
    function getCurrentBlockTimestamp() external view returns (uint256 timestamp) {
        timestamp = block.timestamp;
    }

    /// @notice The native balance of an account, in wei, at the block the call executes in.
    /// @param addr The account.
    /// @return balance `addr.balance`.
    function getEthBalance(address addr) external view returns (uint256 balance) {
        balance = addr.balance;
    }
}
