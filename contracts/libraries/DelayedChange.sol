// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title DelayedChange
 * @notice A change announced in public, applicable once a delay has passed and only within a grace period
 * after that: the guard's asset updates and removals, the token's reserve configuration. A change is named by
 * a hash of what it changes to, so that only the change announced can be applied.
 *
 * The delay gives watchers time to see a change coming and act; the grace period keeps a change scheduled
 * long ago, and forgotten, from being applied by surprise (a change not applied in time is scheduled again,
 * in public, with a new delay).
 */
library DelayedChange {
    /**
     * @notice How long after `readyAt` a change can still be applied: 14 days, Compound's Timelock grace
     * period.
     */
    uint48 internal constant GRACE_PERIOD = 14 days;

    /**
     * @notice A scheduled change (all zero when none).
     * @param change what is to be applied: `keccak256` of the new configuration, or a marker
     * @param readyAt the first second (unix time) it can be applied
     * @param expiresAt the last second it can be applied (`readyAt + GRACE_PERIOD`)
     */
    struct Pending {
        bytes32 change;
        uint48 readyAt;
        uint48 expiresAt;
    }

    /// @notice Whether a change can be applied now.
    enum Status {
        /// No such change is scheduled (none, or another one).
        NotScheduled,
        /// Scheduled, waiting for its delay.
        NotReady,
        /// Scheduled, but not applied within the grace period.
        Expired,
        /// Scheduled, and applicable now.
        Ready
    }

    /**
     * @notice `change`, scheduled now for when `delay` has passed (the caller stores it, replacing any change
     * pending).
     */
    function schedule(bytes32 change, uint48 delay) internal view returns (Pending memory) {
        uint48 readyAt = uint48(block.timestamp) + delay;
        return Pending({change: change, readyAt: readyAt, expiresAt: readyAt + GRACE_PERIOD});
    }

    /// @notice Whether `change` is the change scheduled and can be applied now.
    function status(Pending memory pending, bytes32 change) internal view returns (Status) {
        if (pending.readyAt == 0 || pending.change != change) return Status.NotScheduled;
        if (block.timestamp < pending.readyAt) return Status.NotReady;
        if (block.timestamp > pending.expiresAt) return Status.Expired;
        return Status.Ready;
    }
}
