// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// IERC165 as IReceiver declares it (OpenZeppelin 5.0.2, Chainlink's own copy), beside our ERC165 (OpenZeppelin 5.x).
import {IERC165, IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {IReportReceiver} from "../interfaces/IReportReceiver.sol";

/**
 * @title ReportReceiver
 * @notice Base of a contract that takes Chainlink Runtime Environment (CRE) reports: {onReport} accepts a
 * call only from the configured forwarder (Chainlink's `KeystoneForwarder`, which has checked the DON's
 * signatures and records every transmission: a report is taken at most once, and one whose `onReport`
 * reverted may be sent again, by anyone, with more gas), and only for a
 * workflow the admin allowed, named by its workflow ID and owner in the metadata. The report itself goes to
 * the {_processReport} hook, which must trust it no more than any other input.
 *
 * The metadata is what `KeystoneForwarder` passes (Chainlink's contracts package 1.5.0): bytes 45 to 109
 * of the raw report, `workflow_cid` (32 bytes, the workflow ID), `workflow_name` (10), `workflow_owner` (20),
 * `report_id` (2), the layout Chainlink's `ReceiverTemplate` decodes.
 *
 * Roles: `RECEIVER_ADMIN_ROLE` sets the forwarder and allows and disallows workflows: whoever holds it
 * chooses who may deliver reports, so it is granted by `DEFAULT_ADMIN_ROLE` (its role admin) and apart from
 * it, so that rotating a workflow ID after a redeployment needs no other power. The base leaves the access
 * control to the contract using it (plain `AccessControl`, or `AccessControlDefaultAdminRules` as the guard
 * does) through the {_checkReceiverAdmin} hook.
 */
abstract contract ReportReceiver is IReportReceiver, ERC165 {
    /// @notice Sets the forwarder and allows and disallows workflows.
    bytes32 public constant RECEIVER_ADMIN_ROLE = keccak256("RECEIVER_ADMIN_ROLE");

    /// @dev The metadata `KeystoneForwarder` passes: workflow ID, name, owner, report ID.
    uint256 private constant METADATA_LENGTH = 64;

    address private _forwarder;

    /// @dev Only an account holding `RECEIVER_ADMIN_ROLE` ({_checkReceiverAdmin}).
    modifier onlyReceiverAdmin() {
        _checkReceiverAdmin();
        _;
    }
    mapping(bytes32 workflowId => mapping(address workflowOwner => bool)) private _allowedWorkflows;

    /**
     * @notice Takes a report from the configured forwarder, for an allowed workflow, and hands it to
     * {_processReport}. Anything else reverts (the forwarder records the transmission as failed).
     * @param metadata workflow ID (32 bytes), workflow name (10), workflow owner (20), report ID (2)
     * @param report the workflow's payload
     */
    function onReport(bytes calldata metadata, bytes calldata report) external override {
        address forwarder_ = _forwarder;
        if (msg.sender != forwarder_) revert InvalidSender(msg.sender, forwarder_);
        if (metadata.length != METADATA_LENGTH) revert InvalidMetadataLength(metadata.length);
        bytes32 workflowId = bytes32(metadata[0:32]);
        address workflowOwner = address(bytes20(metadata[42:62]));
        if (!_allowedWorkflows[workflowId][workflowOwner]) revert WorkflowNotAllowed(workflowId, workflowOwner);
        _processReport(report);
    }

    /// @inheritdoc IReportReceiver
    function setForwarder(address forwarder_) external override onlyReceiverAdmin {
        _setForwarder(forwarder_);
    }

    /// @inheritdoc IReportReceiver
    function allowWorkflow(bytes32 workflowId, address workflowOwner) external override onlyReceiverAdmin {
        if (workflowId == bytes32(0) || workflowOwner == address(0)) revert InvalidWorkflow(workflowId, workflowOwner);
        if (_allowedWorkflows[workflowId][workflowOwner]) revert WorkflowAlreadyAllowed(workflowId, workflowOwner);
        _allowedWorkflows[workflowId][workflowOwner] = true;
        emit WorkflowAllowed(workflowId, workflowOwner);
    }

    /// @inheritdoc IReportReceiver
    function disallowWorkflow(
        bytes32 workflowId,
        address workflowOwner
    ) external override onlyReceiverAdmin {
        if (!_allowedWorkflows[workflowId][workflowOwner]) revert WorkflowNotAllowed(workflowId, workflowOwner);
        delete _allowedWorkflows[workflowId][workflowOwner];
        emit WorkflowDisallowed(workflowId, workflowOwner);
    }

    /// @inheritdoc IReportReceiver
    function forwarder() external view override returns (address) {
        return _forwarder;
    }

    /// @inheritdoc IReportReceiver
    function isWorkflowAllowed(bytes32 workflowId, address workflowOwner) external view override returns (bool) {
        return _allowedWorkflows[workflowId][workflowOwner];
    }

    /// @notice ERC-165: `IReceiver` (which `KeystoneForwarder` asks for before each delivery), this receiver's
    /// own interface, and those of the contract using it.
    function supportsInterface(bytes4 interfaceId) public view virtual override(ERC165, IERC165) returns (bool) {
        return
            interfaceId == type(IReceiver).interfaceId ||
            interfaceId == type(IReportReceiver).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @dev Sets the forwarder: zero (no reports), or a contract.
    function _setForwarder(address forwarder_) internal {
        if (forwarder_ != address(0) && forwarder_.code.length == 0) revert ForwarderNotAContract(forwarder_);
        emit ForwarderSet(_forwarder, forwarder_);
        _forwarder = forwarder_;
    }

    /**
     * @dev The report of an allowed workflow, delivered by the forwarder: act on it, re-validating
     * everything in it. A revert refuses the report.
     * @param report the workflow's payload
     */
    function _processReport(bytes calldata report) internal virtual;

    /// @dev Reverts unless the caller holds `RECEIVER_ADMIN_ROLE`: `_checkRole(RECEIVER_ADMIN_ROLE)` in an
    /// `AccessControl` contract.
    function _checkReceiverAdmin() internal view virtual;
}
