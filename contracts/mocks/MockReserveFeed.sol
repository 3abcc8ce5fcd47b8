// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/**
 * @title MockReserveFeed
 * @notice Test double of a proof-of-reserve feed: a test sets the answer, `updatedAt` and decimals, makes
 * the feed fail in the ways a broken feed can, and gets a real `AnswerUpdated` log on every new round.
 */
contract MockReserveFeed is AggregatorV3Interface {
    /// @notice How the feed misbehaves.
    enum Failure {
        None,
        /// `latestRoundData()` reverts.
        Revert,
        /// `latestRoundData()` returns 64 bytes instead of 160.
        ShortReturn,
        /// `decimals()` reverts.
        RevertDecimals,
        /// `decimals()` returns 256, which is not a `uint8`.
        OversizedDecimals,
        /// `latestRoundData()` burns every unit of gas it is given.
        BurnGas
    }

    /// @notice Emitted on every new round, like a Chainlink aggregator.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice The feed is set to revert.
    error FeedDown();

    uint8 private _decimals;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _roundId;
    Failure private _failure;

    /**
     * @param decimals_ the answer's precision
     * @param answer_ the first answer, updated now
     */
    constructor(uint8 decimals_, int256 answer_) {
        _decimals = decimals_;
        setRound(answer_, block.timestamp);
    }

    /**
     * @notice Starts a round with `answer`, updated now.
     * @param answer the new answer
     */
    function setAnswer(int256 answer) external {
        setRound(answer, block.timestamp);
    }

    /**
     * @notice Starts a round with an explicit `updatedAt` (0, past or future).
     * @param answer the new answer
     * @param updatedAt the round's timestamp
     */
    function setRound(int256 answer, uint256 updatedAt) public {
        ++_roundId;
        _answer = answer;
        _updatedAt = updatedAt;
        emit AnswerUpdated(answer, _roundId, updatedAt);
    }

    /**
     * @notice Sets the decimals and starts a round, in one transaction.
     * @param decimals_ the new precision
     * @param answer the new answer
     * @param updatedAt the round's timestamp
     */
    function setState(uint8 decimals_, int256 answer, uint256 updatedAt) external {
        _decimals = decimals_;
        setRound(answer, updatedAt);
    }

    /**
     * @notice Changes the reported decimals.
     * @param decimals_ the new precision
     */
    function setDecimals(uint8 decimals_) external {
        _decimals = decimals_;
    }

    /**
     * @notice Makes the feed misbehave (or behave again with `None`).
     * @param failure the failure mode
     */
    function setFailure(Failure failure) external {
        _failure = failure;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view override returns (uint8) {
        if (_failure == Failure.RevertDecimals) revert FeedDown();
        if (_failure == Failure.OversizedDecimals) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(0x00, 256)
                return(0x00, 0x20)
            }
        }
        return _decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure override returns (string memory) {
        return "MockReserveFeed";
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure override returns (uint256) {
        return 0;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 roundId_
    )
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (roundId_, _answer, _updatedAt, _updatedAt, roundId_);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (_failure == Failure.Revert) revert FeedDown();
        if (_failure == Failure.BurnGas) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                invalid()
            }
        }
        if (_failure == Failure.ShortReturn) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                return(0x00, 0x40)
            }
        }
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }
}
