// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BoundedCall} from "./BoundedCall.sol";

/**
 * @title ReserveCheck
 * @notice The proof-of-reserve rules, in one place: {ReserveGuard} and {SecureMintToken} both decide
 * through this library, so an asset is judged the same way when it is minted and when it is watched.
 *
 * The rules, in the order they are applied (the first that matches decides):
 *
 * 1. the reserve feed's `latestRoundData()` or `decimals()` fails (reverts, runs out of its bounded gas,
 *    returns malformed data) → no reading;
 * 2. the reserve answer is ≤ 0 → short;
 * 3. the reserve `updatedAt` is 0 or later than `block.timestamp` → short;
 * 4. the supply read (a token's `totalSupply()`/`decimals()`, or a supply feed) fails → no reading;
 * 5. a supply feed's answer is < 0 → short (a supply of 0 is valid: it is backed by anything);
 * 6. a supply feed's `updatedAt` is 0 or in the future → short;
 * 7. `block.timestamp − updatedAt > heartbeat` for the reserve feed, then `> supplyHeartbeat` for a supply
 *    feed (a token's live supply is never stale) → stale;
 * 8. the two precisions are more than {MAX_DECIMALS_GAP} apart → short (not representable exactly);
 * 9. `supply + amount` does not fit in 256 bits → short;
 * 10. otherwise backed iff `supply + amount` is at most what the margin leaves mintable ({MarginMode}, the
 *     modes of Chainlink ACE's `SecureMintPolicy`), with reserves, `supply + amount` and an absolute margin
 *     (in the supply's units) first scaled to the larger of the two precisions by multiplying the less precise
 *     side by `10^gap` (never dividing). The comparison is exact, in 512-bit arithmetic: where ACE rounds down
 *     at each step, nothing here is rounded.
 *
 * The amount being minted is added to the supply before scaling, so it is always scaled with it.
 *
 * No reading (rules 1 and 4) and stale data (rule 7) are judged alike, by the stale policy: `FailClosed`
 * (short) or `Skip` (no decision: neither short nor backed). A call that fails cannot be told apart from a
 * call that ran out of the gas it was given, so a failed read is "no data", as stale data is. A reading that
 * is wrong (rules 2, 3, 5, 6) is short under either policy.
 *
 * I/O ({readFeed}, {readTokenSupply}) is kept apart from the pure decision ({evaluate}, {compare}), so the
 * decision can be tested exhaustively without a chain. Every read is bounded in gas and return data
 * ({BoundedCall}), so a feed or token that burns gas or answers megabytes costs a known amount.
 */
library ReserveCheck {
    /// @notice What a stale feed means for the asset.
    enum StalePolicy {
        /// Stale data, or a read that failed, is treated as a shortfall (the default).
        FailClosed,
        /// Stale data, or a read that failed, yields no decision: the guard does not pause, nothing is
        /// unpaused, nothing is minted.
        Skip
    }

    /// @notice The outcome of a check.
    enum Verdict {
        Backed,
        Short,
        /// Stale data, or a failed read, under the `Skip` policy: neither backed nor short.
        Skipped
    }

    /**
     * @notice How much may be minted against the reserves: Chainlink ACE's `SecureMintPolicy.ReserveMarginMode`,
     * member for member (names, order and bounds), computed exactly. With `m` the margin's amount, a supply `s`
     * (with the amount being minted) is backed iff:
     */
    enum MarginMode {
        /// `s ≤ reserves` (`m` = 0).
        None,
        /// `s × 10000 ≤ reserves × (10000 − m)`, `m` in basis points, at most 10000: reserves kept over the supply.
        PositivePercentage,
        /// `s ≤ reserves − m`, or `s = 0` when `reserves < m`; `m` > 0, in the supply's units.
        PositiveAbsolute,
        /// `s × 10000 ≤ reserves × (10000 + m)`, `m` in basis points, at most 10000: supply above the reserves.
        NegativePercentage,
        /// `s ≤ reserves + m`; `m` > 0, in the supply's units: supply above the reserves.
        NegativeAbsolute
    }

    /// @notice Why a check decided as it did (`None` when backed). Declared in rule order.
    enum Reason {
        None,
        ReserveFeedFailed,
        NonPositiveReserves,
        InvalidReserveTimestamp,
        SupplyFailed,
        NegativeSupply,
        InvalidSupplyTimestamp,
        StaleReserves,
        StaleSupply,
        UnsupportedDecimals,
        SupplyOverflow,
        InsufficientReserves
    }

    /**
     * @notice One observation of a feed, or of a token's supply.
     * @param ok false when the call reverted or returned malformed data (the other fields are then 0)
     * @param answer the feed's answer, or the token's total supply
     * @param updatedAt the feed's `updatedAt`; `block.timestamp` for a token's live supply
     * @param decimals the precision of `answer`
     */
    struct Reading {
        bool ok;
        int256 answer;
        uint256 updatedAt;
        uint8 decimals;
    }

    /**
     * @notice The per-asset parameters of the rules.
     * @param heartbeat seconds after which the reserve feed's answer is stale
     * @param supplyHeartbeat seconds after which a supply feed's answer is stale (the two feeds may update at
     * different cadences; a live supply, `updatedAt = block.timestamp`, passes any value)
     * @param stalePolicy what stale data means
     * @param marginMode how much of the reserves may be minted against ({MarginMode})
     * @param marginAmount the margin: basis points for a percentage mode, supply units for an absolute one, 0
     * for `None` ({requireValidMargin})
     */
    struct Rules {
        uint256 heartbeat;
        uint256 supplyHeartbeat;
        StalePolicy stalePolicy;
        MarginMode marginMode;
        uint256 marginAmount;
    }

    /**
     * @notice The decision, with what it was made on.
     * @param reserves the reserve feed's answer (0 if it could not be read)
     * @param supply the supply read (0 if it could not be read), without the amount being minted
     */
    struct Result {
        Verdict verdict;
        Reason reason;
        int256 reserves;
        int256 supply;
    }

    /// @notice The denominator of a percentage margin, and its largest amount (100%), as ACE's `BASIS_POINTS`.
    uint256 internal constant BPS = 10_000;

    /**
     * @notice The largest supported difference between the reserve and supply precisions: the largest
     * `g` with `10^g × 2 × BPS < 2^256`, so scale factors always fit in a word.
     */
    uint256 internal constant MAX_DECIMALS_GAP = 72;

    /**
     * @notice A margin out of its mode's bounds (ACE's): a percentage above {BPS}, an absolute margin of 0, or an
     * amount with `None`.
     */
    error InvalidMargin(MarginMode mode, uint256 amount);

    /**
     * @notice The gas a `latestRoundData()` or `totalSupply()` read is given: several times what a Chainlink
     * feed behind its proxy and access controller, or a token behind an upgradeable proxy, needs (about
     * 20,000 through `EACAggregatorProxy`), and a bound on what a feed or token that burns gas can take.
     */
    uint256 internal constant READ_GAS = 100_000;

    /// @notice The gas a `decimals()` read is given: a view reading a slot or two, behind a proxy.
    uint256 internal constant DECIMALS_READ_GAS = 30_000;

    /**
     * @notice Reads a feed's `decimals()` and `latestRoundData()`, each bounded in gas and return data.
     * @dev A feed without code, one that reverts, runs out of its gas, returns too little data or a `decimals`
     * above 255 gives `ok = false` instead of reverting the caller.
     * @param feed an `AggregatorV3Interface`
     * @return r the reading; `r.ok` is false when either call failed
     */
    function readFeed(address feed) internal view returns (Reading memory r) {
        (bool decimalsOk, uint8 decimals) = readDecimals(feed);
        if (!decimalsOk) return r;
        (bool ok, bytes memory round) = BoundedCall.staticcall(
            feed,
            abi.encodeCall(AggregatorV3Interface.latestRoundData, ()),
            READ_GAS,
            160
        );
        if (!ok) return r;
        // Every word read as 256 bits: a round ID too wide for `uint80` is not this library's concern.
        (, int256 answer, , uint256 updatedAt, ) = abi.decode(round, (uint256, int256, uint256, uint256, uint256));
        r.ok = true;
        r.answer = answer;
        r.updatedAt = updatedAt;
        r.decimals = decimals;
    }

    /**
     * @notice Reads a feed's or a token's `decimals()`, bounded as {readFeed}.
     * @return ok false when the call fails, returns too little data or a value above 255
     * @return decimals the precision (0 when `ok` is false)
     */
    function readDecimals(address source) internal view returns (bool ok, uint8 decimals) {
        (bool called, uint256 value) = _readWord(
            source,
            abi.encodeCall(AggregatorV3Interface.decimals, ()),
            DECIMALS_READ_GAS
        );
        if (!called || value > type(uint8).max) return (false, 0);
        return (true, uint8(value));
    }

    /**
     * @notice Reads a token's `decimals()` and `totalSupply()` as a live reading (`updatedAt` = now), bounded
     * as {readFeed}.
     * @dev A supply above `type(int256).max` cannot be represented and reads as failed.
     * @param token an ERC-20 with `decimals()`
     * @return r the reading; `r.ok` is false when either call failed
     */
    function readTokenSupply(address token) internal view returns (Reading memory r) {
        (bool decimalsOk, uint8 decimals) = readDecimals(token);
        if (!decimalsOk) return r;
        (bool ok, uint256 supply) = _readWord(token, abi.encodeCall(IERC20.totalSupply, ()), READ_GAS);
        if (!ok) return r;
        return liveSupply(supply, decimals);
    }

    /**
     * @notice A supply known to the caller (a token's own `totalSupply()`), as a live reading.
     * @param supply the supply
     * @param decimals its precision; above 255 reads as failed
     * @return r the reading, `ok = false` when `supply` exceeds `type(int256).max` or `decimals` exceeds 255
     */
    function liveSupply(uint256 supply, uint256 decimals) internal view returns (Reading memory r) {
        if (supply > uint256(type(int256).max) || decimals > type(uint8).max) return r;
        r.ok = true;
        r.answer = int256(supply);
        r.updatedAt = block.timestamp;
        r.decimals = uint8(decimals);
    }

    /**
     * @notice Reverts with {InvalidMargin} unless `amount` is within `mode`'s bounds: 0 for `None`, at most
     * {BPS} for a percentage, more than 0 for an absolute margin (ACE's bounds, and `None` carrying nothing).
     */
    function requireValidMargin(MarginMode mode, uint256 amount) internal pure {
        bool valid;
        if (mode == MarginMode.None) valid = amount == 0;
        else if (mode == MarginMode.PositivePercentage || mode == MarginMode.NegativePercentage) valid = amount <= BPS;
        else valid = amount != 0;
        if (!valid) revert InvalidMargin(mode, amount);
    }

    /// @notice Whether a margin mode lets the supply exceed the reserves.
    function isNegative(MarginMode mode) internal pure returns (bool) {
        return mode == MarginMode.NegativePercentage || mode == MarginMode.NegativeAbsolute;
    }

    /**
     * @notice Applies every rule to two readings (see the contract documentation for the order).
     * @param reserve the reserve feed's reading
     * @param supply the supply reading (token or supply feed)
     * @param rules heartbeat, stale policy and margin
     * @param amount an amount about to be minted, in the supply's precision (0 when only watching)
     * @param timestamp the current time (`block.timestamp`)
     * @return result the verdict, the reason and the raw values it was decided on
     */
    function evaluate(
        Reading memory reserve,
        Reading memory supply,
        Rules memory rules,
        uint256 amount,
        uint256 timestamp
    ) internal pure returns (Result memory result) {
        int256 reserves = reserve.answer;
        int256 supplied = supply.answer;
        uint256 reserveUpdatedAt = reserve.updatedAt;
        uint256 supplyUpdatedAt = supply.updatedAt;
        result.reserves = reserves;
        result.supply = supplied;
        Reason reason;
        // The subtractions below follow the checks that both timestamps are at most `timestamp`.
        unchecked {
            if (!reserve.ok) reason = Reason.ReserveFeedFailed;
            else if (reserves <= 0) reason = Reason.NonPositiveReserves;
            else if (reserveUpdatedAt == 0 || reserveUpdatedAt > timestamp) reason = Reason.InvalidReserveTimestamp;
            else if (!supply.ok) reason = Reason.SupplyFailed;
            else if (supplied < 0) reason = Reason.NegativeSupply;
            else if (supplyUpdatedAt == 0 || supplyUpdatedAt > timestamp) reason = Reason.InvalidSupplyTimestamp;
            else if (timestamp - reserveUpdatedAt > rules.heartbeat) reason = Reason.StaleReserves;
            else if (timestamp - supplyUpdatedAt > rules.supplyHeartbeat) reason = Reason.StaleSupply;
            else {
                reason = compare(
                    uint256(reserves),
                    reserve.decimals,
                    uint256(supplied),
                    supply.decimals,
                    amount,
                    rules.marginMode,
                    rules.marginAmount
                );
            }
        }
        result.reason = reason;
        if (reason == Reason.None) {
            result.verdict = Verdict.Backed;
        } else if (rules.stalePolicy == StalePolicy.Skip && _isNoData(reason)) {
            result.verdict = Verdict.Skipped;
        } else {
            result.verdict = Verdict.Short;
        }
    }

    /**
     * @notice The backing rule at a common precision: `supply + amount` against what the margin leaves mintable
     * of the reserves ({MarginMode}).
     * @dev The less precise side is multiplied by `10^gap` (an absolute margin, in the supply's units, with the
     * supply); nothing is divided, and both sides are compared in 512 bits, so the result is exact for every
     * input.
     * @param reserves reserves, in `reserveDecimals`
     * @param reserveDecimals the reserve precision
     * @param supply the supply, in `supplyDecimals`
     * @param supplyDecimals the supply precision (also that of `amount` and of an absolute margin)
     * @param amount an amount about to be minted, in `supplyDecimals`
     * @param marginMode the margin's mode
     * @param marginAmount the margin's amount, within its mode's bounds ({requireValidMargin}, else this reverts)
     * @return reason `None` when backed, else `UnsupportedDecimals`, `SupplyOverflow` or
     * `InsufficientReserves`
     */
    function compare(
        uint256 reserves,
        uint8 reserveDecimals,
        uint256 supply,
        uint8 supplyDecimals,
        uint256 amount,
        MarginMode marginMode,
        uint256 marginAmount
    ) internal pure returns (Reason reason) {
        requireValidMargin(marginMode, marginAmount);
        (bool ok, uint256 reserveScale, uint256 supplyScale) = _scales(reserveDecimals, supplyDecimals);
        if (!ok) return Reason.UnsupportedDecimals;
        uint256 total;
        (ok, total) = Math.tryAdd(supply, amount);
        if (!ok) return Reason.SupplyOverflow;
        bool backed = marginMode == MarginMode.PositiveAbsolute || marginMode == MarginMode.NegativeAbsolute
            ? _backedAbsolute(reserves, reserveScale, total, supplyScale, marginMode, marginAmount)
            : _backedPercentage(reserves, reserveScale, total, supplyScale, marginMode, marginAmount);
        return backed ? Reason.None : Reason.InsufficientReserves;
    }

    /**
     * @dev A percentage's rule (`None` is 0%), at the common precision:
     * `total × 10000 ≤ reserves × (10000 ∓ m)`. The factors (at most 2 × {BPS}) are folded into the scales (at
     * most `10^MAX_DECIMALS_GAP`): both stay within a word, and both products are 512-bit.
     */
    function _backedPercentage(
        uint256 reserves,
        uint256 reserveScale,
        uint256 total,
        uint256 supplyScale,
        MarginMode marginMode,
        uint256 marginAmount
    ) private pure returns (bool) {
        uint256 reserveFactor = BPS;
        if (marginMode == MarginMode.PositivePercentage) reserveFactor = BPS - marginAmount;
        else if (marginMode == MarginMode.NegativePercentage) reserveFactor = BPS + marginAmount;
        (uint256 supplyHigh, uint256 supplyLow) = Math.mul512(total, supplyScale * BPS);
        (uint256 reserveHigh, uint256 reserveLow) = Math.mul512(reserves, reserveScale * reserveFactor);
        return _atMost(supplyHigh, supplyLow, reserveHigh, reserveLow);
    }

    /**
     * @dev The scale factors that bring reserves and supply to the larger of their two precisions (1 for that
     * side, `10^gap` for the other); `supported` is false when the gap exceeds {MAX_DECIMALS_GAP}.
     */
    function _scales(
        uint8 reserveDecimals,
        uint8 supplyDecimals
    ) private pure returns (bool supported, uint256 reserveScale, uint256 supplyScale) {
        reserveScale = 1;
        supplyScale = 1;
        if (reserveDecimals < supplyDecimals) {
            uint256 gap = supplyDecimals - reserveDecimals;
            if (gap > MAX_DECIMALS_GAP) return (false, 0, 0);
            reserveScale = 10 ** gap;
        } else if (supplyDecimals < reserveDecimals) {
            uint256 gap = reserveDecimals - supplyDecimals;
            if (gap > MAX_DECIMALS_GAP) return (false, 0, 0);
            supplyScale = 10 ** gap;
        }
        return (true, reserveScale, supplyScale);
    }

    /**
     * @dev An absolute margin's rule, at the common precision: `total + m ≤ reserves` (positive; a total of 0 is
     * backed whatever the reserves, as ACE's mintable amount is then 0, not negative) or `total ≤ reserves + m`
     * (negative). Each side is a sum of products below `2^256 × 10^72`, so the 512-bit sums cannot overflow.
     */
    function _backedAbsolute(
        uint256 reserves,
        uint256 reserveScale,
        uint256 total,
        uint256 supplyScale,
        MarginMode marginMode,
        uint256 marginAmount
    ) private pure returns (bool) {
        if (marginMode == MarginMode.PositiveAbsolute && total == 0) return true;
        (uint256 supplyHigh, uint256 supplyLow) = Math.mul512(total, supplyScale);
        (uint256 reserveHigh, uint256 reserveLow) = Math.mul512(reserves, reserveScale);
        (uint256 marginHigh, uint256 marginLow) = Math.mul512(marginAmount, supplyScale);
        if (marginMode == MarginMode.PositiveAbsolute) {
            (supplyHigh, supplyLow) = _add512(supplyHigh, supplyLow, marginHigh, marginLow);
        } else {
            (reserveHigh, reserveLow) = _add512(reserveHigh, reserveLow, marginHigh, marginLow);
        }
        return _atMost(supplyHigh, supplyLow, reserveHigh, reserveLow);
    }

    /// @dev `a + b` for 512-bit numbers whose sum fits in 512 bits.
    function _add512(
        uint256 aHigh,
        uint256 aLow,
        uint256 bHigh,
        uint256 bLow
    ) private pure returns (uint256 high, uint256 low) {
        unchecked {
            low = aLow + bLow;
            high = aHigh + bHigh + (low < aLow ? 1 : 0);
        }
    }

    /// @dev `a ≤ b` for 512-bit numbers.
    function _atMost(uint256 aHigh, uint256 aLow, uint256 bHigh, uint256 bLow) private pure returns (bool) {
        return aHigh < bHigh || (aHigh == bHigh && aLow <= bLow);
    }

    /// @dev Whether a reason says the data was missing or old (judged by the stale policy), not wrong.
    function _isNoData(Reason reason) private pure returns (bool) {
        return
            reason == Reason.ReserveFeedFailed ||
            reason == Reason.SupplyFailed ||
            reason == Reason.StaleReserves ||
            reason == Reason.StaleSupply;
    }

    /// @dev A function returning one word, bounded in gas; `ok` is false when it fails (see {BoundedCall}).
    function _readWord(address target, bytes memory data, uint256 gasLimit) private view returns (bool ok, uint256 value) {
        bytes memory word;
        (ok, word) = BoundedCall.staticcall(target, data, gasLimit, 32);
        if (ok) value = abi.decode(word, (uint256));
    }
}
