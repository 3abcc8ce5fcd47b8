// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/**
 * @title ICrePorFeed
 * @notice A proof-of-reserve value written by a CRE workflow's reports and read as a Chainlink Data Feed
 * (`AggregatorV3Interface`), with an aggregator's `AnswerUpdated` and `NewRound` events on every round.
 */
interface ICrePorFeed is AggregatorV3Interface {
    /**
     * @notice A new answer, as a Chainlink aggregator emits it.
     * @param current the answer
     * @param roundId its round
     * @param updatedAt the round's `updatedAt`: the time the reserve was observed
     */
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /**
     * @notice A new round, as a Chainlink aggregator emits it.
     * @param roundId the round
     * @param startedBy the forwarder that delivered the report
     * @param startedAt the round's `startedAt`: the time the reserve was observed
     */
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /**
     * @notice The report is not `abi.encode(int256 answer, uint8 decimals, uint64 observedAt)`: 96 bytes.
     * @param length the report's length
     */
    error InvalidReportLength(uint256 length);

    /**
     * @notice A word of the report is out of its type's range (the decimals above 255, the time above
     * 2^64 − 1): not what the workflow's encoder writes.
     * @param index the word (1: decimals, 2: observedAt)
     * @param word its value
     */
    error ReportWordOutOfRange(uint256 index, uint256 word);

    /// @notice The report's decimals are not the feed's.
    error DecimalsMismatch(uint8 expected, uint8 reported);

    /// @notice The report's answer is negative: no reserve is.
    error NegativeAnswer(int256 answer);

    /// @notice The report was observed after the block it is delivered in.
    error ObservedInFuture(uint64 observedAt, uint256 blockTimestamp);

    /// @notice The report was not observed after the answer the feed holds (an older or a repeated report).
    error ReportNotNewer(uint64 observedAt, uint64 latestObservedAt);

    /// @notice The round does not exist (or no report was taken yet).
    error NoDataPresent(uint80 roundId);

    /// @notice The observation time of the latest answer (0 before the first report).
    function latestObservedAt() external view returns (uint64);
}
