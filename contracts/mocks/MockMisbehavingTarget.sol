// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title MockMisbehavingTarget
 * @notice Test double of a protected contract that stops behaving after it was registered with a guard,
 * as an upgradeable token can when its implementation changes. It answers both pause interfaces
 * (`paused()`/`pause()`/`unpause()` and `pausedOperations()`/`pauseOperations()`/`unpauseOperations()`)
 * and an ERC-20's `totalSupply()`/`decimals()` (8 decimals), each correctly until told otherwise.
 * @dev Deliberately implements no interface: what it returns is what a test makes it return.
 */
contract MockMisbehavingTarget {
    /// @notice How the contract misbehaves.
    enum Behaviour {
        /// Answers as a well-behaved pausable contract does.
        Normal,
        /// Every pause-interface call succeeds and returns nothing, as a non-reverting fallback does
        /// (WETH9-style, or a proxy whose implementation has one): views return no data, pauses do nothing.
        SilentFallback,
        /// `pausedOperations()` returns 0x1ff (wider than `uint8`) and `paused()` returns 2 (not a `bool`);
        /// the pause calls work.
        Undecodable,
        /// `pause()`/`pauseOperations()` burn every unit of gas they are given.
        BurnGas,
        /// `pause()`/`pauseOperations()` revert with `revertSize` bytes of revert data.
        HugeRevert,
        /// `pause()`/`pauseOperations()` revert with {Refused}.
        Revert,
        /// `paused()`/`pausedOperations()` burn every unit of gas they are given.
        BurnGasInViews,
        /// `totalSupply()` burns every unit of gas it is given (a token upgraded into a gas burner); the pause
        /// interface works.
        BurnGasInSupply
    }

    /// @notice The pause is refused.
    error Refused();

    Behaviour public behaviour;
    /// @notice The size of the revert data under `HugeRevert`.
    uint256 public revertSize;
    /// @notice The gas `pause()`/`pauseOperations()` use up before they pause (a pause that does more work).
    uint256 public pauseCost;
    uint256 private _totalSupply;
    bool private _paused;
    uint8 private _pausedOperations;

    /// @param supply the supply `totalSupply()` reports
    constructor(uint256 supply) {
        _totalSupply = supply;
    }

    /**
     * @notice Changes how the contract behaves from now on.
     * @param behaviour_ the behaviour
     * @param revertSize_ the revert data size under `HugeRevert`
     */
    function setBehaviour(Behaviour behaviour_, uint256 revertSize_) external {
        behaviour = behaviour_;
        revertSize = revertSize_;
    }

    /**
     * @notice Makes every pause use up `gas` before it pauses; with less gas left it reverts.
     * @param gas the gas a pause uses up
     */
    function setPauseCost(uint256 gas) external {
        pauseCost = gas;
    }

    /**
     * @notice Sets the supply `totalSupply()` reports.
     * @param supply the supply
     */
    function setTotalSupply(uint256 supply) external {
        _totalSupply = supply;
    }

    /// @notice The supply (unless misbehaving, see {Behaviour}).
    function totalSupply() external view returns (uint256) {
        if (behaviour == Behaviour.BurnGasInSupply) _burnGas();
        return _totalSupply;
    }

    /// @notice 8, like the assets the guard protects in tests.
    function decimals() external pure returns (uint8) {
        return 8;
    }

    /// @notice Whether the contract is paused (or garbage, see {Behaviour}).
    function paused() external view returns (bool) {
        _misbehaveInView();
        if (behaviour == Behaviour.Undecodable) _returnWord(2);
        return _paused;
    }

    /// @notice The paused operations (or garbage, see {Behaviour}).
    function pausedOperations() external view returns (uint8) {
        _misbehaveInView();
        if (behaviour == Behaviour.Undecodable) _returnWord(0x1ff);
        return _pausedOperations;
    }

    /// @notice Pauses (unless misbehaving).
    function pause() external {
        if (_misbehaveInPause()) return;
        _spend(pauseCost);
        _paused = true;
    }

    /// @notice Unpauses.
    function unpause() external {
        _paused = false;
    }

    /**
     * @notice Pauses operations (unless misbehaving).
     * @param operations the flags to pause
     */
    function pauseOperations(uint8 operations) external {
        if (_misbehaveInPause()) return;
        _spend(pauseCost);
        _pausedOperations |= operations;
    }

    /**
     * @notice Unpauses operations.
     * @param operations the flags to unpause
     */
    function unpauseOperations(uint8 operations) external {
        _pausedOperations &= ~operations;
    }

    function _misbehaveInView() private view {
        Behaviour current = behaviour;
        if (current == Behaviour.SilentFallback) _returnNothing();
        if (current == Behaviour.BurnGasInViews) _burnGas();
    }

    /// @return silent true when the call is to return without pausing
    function _misbehaveInPause() private view returns (bool silent) {
        Behaviour current = behaviour;
        if (current == Behaviour.SilentFallback) return true;
        if (current == Behaviour.BurnGas) _burnGas();
        if (current == Behaviour.Revert) revert Refused();
        if (current == Behaviour.HugeRevert) {
            uint256 size = revertSize;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(0, size)
            }
        }
        return false;
    }

    /// @dev Uses up `gas` (reverts, by underflow, when less is left).
    function _spend(uint256 gas) private view {
        uint256 stop = gasleft() - gas;
        uint256 rounds = 0;
        while (gasleft() > stop) ++rounds;
    }

    function _returnNothing() private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            return(0, 0)
        }
    }

    function _returnWord(uint256 word) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, word)
            return(0, 0x20)
        }
    }

    function _burnGas() private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            invalid()
        }
    }
}
