// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";

/**
 * @title IReportReceiver
 * @notice A consumer of Chainlink Runtime Environment (CRE) reports: Chainlink's `IReceiver` (the
 * `KeystoneForwarder` calls `onReport(metadata, report)` once the DON's signatures check out), taking reports
 * only from one configured forwarder and only from the workflows its admin allowed, each named by its
 * workflow ID and its owner as the forwarder passes them in `metadata`.
 */
interface IReportReceiver is IReceiver {
    /**
     * @notice The forwarder whose calls are taken changed (the zero address: none, every report is refused).
     * @param previous the forwarder before
     * @param forwarder the forwarder now
     */
    event ForwarderSet(address indexed previous, address indexed forwarder);

    /**
     * @notice Reports of this workflow, deployed by this owner, are taken from now on.
     * @param workflowId the workflow ID (`cre workflow hash`), which changes with every new build or config
     * @param workflowOwner the address that deployed the workflow
     */
    event WorkflowAllowed(bytes32 indexed workflowId, address indexed workflowOwner);

    /**
     * @notice Reports of this workflow and owner are refused from now on.
     * @param workflowId the workflow ID
     * @param workflowOwner the workflow's owner
     */
    event WorkflowDisallowed(bytes32 indexed workflowId, address indexed workflowOwner);

    /**
     * @notice `onReport` was called by someone other than the configured forwarder.
     * @param sender the caller
     * @param forwarder the configured forwarder (zero: none configured)
     */
    error InvalidSender(address sender, address forwarder);

    /**
     * @notice The metadata is not the 64 bytes the `KeystoneForwarder` passes: workflow ID (32), workflow
     * name (10), workflow owner (20), report ID (2).
     * @param length the metadata's length
     */
    error InvalidMetadataLength(uint256 length);

    /**
     * @notice The report comes from a workflow (ID and owner) that is not allowed; also raised by
     * `disallowWorkflow` for a pair that is not allowed.
     */
    error WorkflowNotAllowed(bytes32 workflowId, address workflowOwner);

    /// @notice The workflow is already allowed.
    error WorkflowAlreadyAllowed(bytes32 workflowId, address workflowOwner);

    /// @notice A workflow ID of zero or a workflow owner of zero cannot be allowed: no real workflow has one.
    error InvalidWorkflow(bytes32 workflowId, address workflowOwner);

    /// @notice The forwarder is neither the zero address nor a contract.
    error ForwarderNotAContract(address forwarder);

    /**
     * @notice Takes reports only from `forwarder` from now on: the chain's `KeystoneForwarder` from
     * Chainlink's forwarder directory (or its `MockKeystoneForwarder` to broadcast simulations). The zero
     * address refuses every report. Receiver admin only.
     * @param forwarder a contract, or zero
     */
    function setForwarder(address forwarder) external;

    /**
     * @notice Takes the reports of a workflow from now on. Receiver admin only.
     * @param workflowId the workflow ID, as `cre workflow hash` prints it
     * @param workflowOwner the workflow's owner (the deploying address, or the `workflow-owner-address`)
     */
    function allowWorkflow(bytes32 workflowId, address workflowOwner) external;

    /**
     * @notice Refuses the reports of a workflow from now on (say it was replaced by a new build). Receiver
     * admin only.
     * @param workflowId the workflow ID
     * @param workflowOwner the workflow's owner
     */
    function disallowWorkflow(bytes32 workflowId, address workflowOwner) external;

    /// @notice The forwarder whose calls are taken (zero: none).
    function forwarder() external view returns (address);

    /**
     * @notice Whether reports of this workflow and owner are taken.
     * @param workflowId the workflow ID
     * @param workflowOwner the workflow's owner
     */
    function isWorkflowAllowed(bytes32 workflowId, address workflowOwner) external view returns (bool);
}
