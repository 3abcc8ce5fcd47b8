// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveCheck} from "../libraries/ReserveCheck.sol";

/**
 * @title ReserveCheckHarness
 * @notice Exposes {ReserveCheck} to tests, in batches so that a property test checks many cases per call.
 */
contract ReserveCheckHarness {
    /// @notice Inputs of {ReserveCheck-compare}.
    struct CompareCase {
        uint256 reserves;
        uint8 reserveDecimals;
        uint256 supply;
        uint8 supplyDecimals;
        uint256 amount;
        ReserveCheck.MarginMode marginMode;
        uint256 marginAmount;
    }

    /// @notice Inputs of {ReserveCheck-evaluate}.
    struct EvaluateCase {
        ReserveCheck.Reading reserve;
        ReserveCheck.Reading supply;
        ReserveCheck.Rules rules;
        uint256 amount;
        uint256 timestamp;
    }

    /**
     * @notice {ReserveCheck-compare} for each case.
     * @param cases the inputs
     * @return reasons one `ReserveCheck.Reason` per case
     */
    function compareBatch(CompareCase[] calldata cases) external pure returns (ReserveCheck.Reason[] memory reasons) {
        reasons = new ReserveCheck.Reason[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            CompareCase calldata c = cases[i];
            reasons[i] = ReserveCheck.compare(
                c.reserves,
                c.reserveDecimals,
                c.supply,
                c.supplyDecimals,
                c.amount,
                c.marginMode,
                c.marginAmount
            );
        }
    }

    /**
     * @notice {ReserveCheck-evaluate} for each case.
     * @param cases the inputs
     * @return results one result per case
     */
    function evaluateBatch(
        EvaluateCase[] calldata cases
    ) external pure returns (ReserveCheck.Result[] memory results) {
        results = new ReserveCheck.Result[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            EvaluateCase calldata c = cases[i];
            results[i] = ReserveCheck.evaluate(c.reserve, c.supply, c.rules, c.amount, c.timestamp);
        }
    }

    /**
     * @notice {ReserveCheck-readFeed}.
     * @param feed the feed
     */
    function readFeed(address feed) external view returns (ReserveCheck.Reading memory) {
        return ReserveCheck.readFeed(feed);
    }

    /**
     * @notice {ReserveCheck-readTokenSupply}.
     * @param token the token
     */
    function readTokenSupply(address token) external view returns (ReserveCheck.Reading memory) {
        return ReserveCheck.readTokenSupply(token);
    }

    /**
     * @notice {ReserveCheck-readFeed} then {ReserveCheck-evaluate} against a token's supply, at the current
     * block: the path {SecureMintToken} and {ReserveGuard} take.
     * @param feed the reserve feed
     * @param token the supply token
     * @param rules heartbeat, stale policy and margin
     * @param amount an amount about to be minted
     */
    function check(
        address feed,
        address token,
        ReserveCheck.Rules calldata rules,
        uint256 amount
    ) external view returns (ReserveCheck.Result memory) {
        return
            ReserveCheck.evaluate(
                ReserveCheck.readFeed(feed),
                ReserveCheck.readTokenSupply(token),
                rules,
                amount,
                block.timestamp
            );
    }
}
