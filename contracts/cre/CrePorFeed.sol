// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICrePorFeed} from "../interfaces/ICrePorFeed.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReportReceiver} from "./ReportReceiver.sol";

/**
 * @title CrePorFeed
 * @notice A proof-of-reserve feed written by the por-feed CRE workflow (workflows/por-feed) and read exactly
 * as a Chainlink Data Feed: `AggregatorV3Interface`, and `AnswerUpdated` and `NewRound` on every round, so
 * {ReserveCheck}, {ReserveGuard} (and its reserve-guard workflow's log trigger) and {SecureMintToken} take it
 * in place of a Data Feed without a change.
 *
 * A report is `abi.encode(int256 answer, uint8 decimals, uint64 observedAt)` (workflows/por-feed/report.ts),
 * taken only from the configured forwarder for an allowed workflow ({ReportReceiver}), and refused when:
 * - it is not exactly three words, or a word is out of its type's range (garbage);
 * - its decimals are not the feed's, fixed at deployment (an adapter reconfigured under the feed would
 *   otherwise scale the reserve by a power of ten);
 * - its answer is negative (no reserve is; refusing it leaves the last answer to go stale, which the
 *   readers' heartbeat turns into a shortfall). Zero is taken: an empty reserve must be seen;
 * - it was observed in the future (after the block), which a reader would see as fresh for too long;
 * - it was not observed after the answer held (older, or the same observation again).
 *
 * `startedAt` and `updatedAt` of a round are the time the reserve was observed (the start of the workflow
 * execution that read it), not the time the report landed: a reader's heartbeat measures the age of the
 * reserve figure itself.
 */
contract CrePorFeed is ICrePorFeed, AccessControl, ReportReceiver {
    /// @notice The feed's version, as `AggregatorV3Interface` asks.
    uint256 public constant VERSION = 1;

    /// @dev A round as kept: its answer and when the reserve was observed.
    struct Round {
        int256 answer;
        uint64 observedAt;
    }

    uint8 private immutable DECIMALS;
    string private _description;
    uint80 private _latestRound;
    uint64 private _latestObservedAt;
    mapping(uint80 roundId => Round) private _rounds;

    /// @notice The admin address is the zero address.
    error InvalidAdmin();

    /**
     * @param admin receives `DEFAULT_ADMIN_ROLE` (and grants `RECEIVER_ADMIN_ROLE`)
     * @param forwarder_ the `KeystoneForwarder` reports come through (zero: none yet)
     * @param decimals_ the answer's decimals: the adapter's
     * @param description_ what the feed reports, as a Data Feed's description
     */
    constructor(address admin, address forwarder_, uint8 decimals_, string memory description_) {
        if (admin == address(0)) revert InvalidAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setForwarder(forwarder_);
        DECIMALS = decimals_;
        _description = description_;
    }

    /// @inheritdoc ICrePorFeed
    function latestObservedAt() external view override returns (uint64) {
        return _latestObservedAt;
    }

    /// @notice The answer's decimals, fixed at deployment.
    function decimals() external view override returns (uint8) {
        return DECIMALS;
    }

    /// @notice What the feed reports.
    function description() external view override returns (string memory) {
        return _description;
    }

    /// @dev ERC-165: AccessControl's interfaces and Chainlink's `IReceiver` ({ReportReceiver}).
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(AccessControl, ReportReceiver) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    /// @dev {ReportReceiver}'s admin: `RECEIVER_ADMIN_ROLE`, granted by `DEFAULT_ADMIN_ROLE`.
    function _checkReceiverAdmin() internal view override {
        _checkRole(RECEIVER_ADMIN_ROLE);
    }

    /// @notice {VERSION}.
    function version() external pure override returns (uint256) {
        return VERSION;
    }

    /**
     * @notice A past round; reverts with {NoDataPresent} for a round that does not exist.
     * @param roundId the round (1 for the first report)
     */
    function getRoundData(
        uint80 roundId
    ) external view override returns (uint80, int256, uint256, uint256, uint80) {
        return _roundData(roundId);
    }

    /// @notice The latest round; reverts with {NoDataPresent} before the first report.
    function latestRoundData() external view override returns (uint80, int256, uint256, uint256, uint80) {
        return _roundData(_latestRound);
    }

    /// @dev A report of the por-feed workflow: validated, then a new round (see the contract documentation).
    function _processReport(bytes calldata report) internal override {
        if (report.length != 96) revert InvalidReportLength(report.length);
        int256 answer;
        uint256 decimalsWord;
        uint256 observedWord;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            answer := calldataload(report.offset)
            decimalsWord := calldataload(add(report.offset, 0x20))
            observedWord := calldataload(add(report.offset, 0x40))
        }
        if (decimalsWord > type(uint8).max) revert ReportWordOutOfRange(1, decimalsWord);
        if (observedWord > type(uint64).max) revert ReportWordOutOfRange(2, observedWord);
        if (uint8(decimalsWord) != DECIMALS) revert DecimalsMismatch(DECIMALS, uint8(decimalsWord));
        if (answer < 0) revert NegativeAnswer(answer);
        uint64 observedAt = uint64(observedWord);
        if (observedAt > block.timestamp) revert ObservedInFuture(observedAt, block.timestamp);
        if (observedAt <= _latestObservedAt) revert ReportNotNewer(observedAt, _latestObservedAt);

        uint80 roundId = _latestRound + 1;
        _rounds[roundId] = Round({answer: answer, observedAt: observedAt});
        _latestRound = roundId;
        _latestObservedAt = observedAt;
        emit NewRound(roundId, msg.sender, observedAt);
        emit AnswerUpdated(answer, roundId, observedAt);
    }

    function _roundData(uint80 roundId) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory round = _rounds[roundId];
        if (round.observedAt == 0) revert NoDataPresent(roundId);
        return (roundId, round.answer, round.observedAt, round.observedAt, roundId);
    }
}
