// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {PoRAddressList as IPoRAddressList} from "@chainlink/contracts-1.2.0/src/v0.8/interfaces/PoRAddressList.sol";

/**
 * @title PoRAddressList
 * @notice An issuer's custodian addresses, published on-chain for a Chainlink Proof-of-Reserve feed
 * (Chainlink's `PoRAddressList` interface, from the contracts package up to 1.2.0). Addresses are stored
 * as the strings a balance reader queries (a Bitcoin address, an EVM address, ...), so one contract serves
 * any reserve chain.
 * @dev Managers (`LIST_MANAGER_ROLE`) add and remove addresses; the admin (`DEFAULT_ADMIN_ROLE`) grants
 * and revokes that role. Addresses are compared byte for byte: publish each in its canonical form
 * (lower-case bech32, checksummed hex) so that the same address cannot be listed twice under two
 * spellings. Removal moves the last address into the freed slot, so the order of the list is not
 * stable across removals; readers must read every batch at one block (see the `por-address-list`
 * adapter) to get a consistent list.
 */
contract PoRAddressList is IPoRAddressList, AccessControl {
    /// @notice The role allowed to add and remove addresses.
    bytes32 public constant LIST_MANAGER_ROLE = keccak256("LIST_MANAGER_ROLE");

    string[] private _addresses;
    /// @dev keccak256 of an address string => its index in `_addresses` plus one (0: not listed).
    mapping(bytes32 addressHash => uint256 indexPlusOne) private _positions;

    /**
     * @notice An address was added to the list.
     * @param addressHash keccak256 of the address string (indexed, for filtering).
     * @param porAddress The address.
     */
    event PoRAddressAdded(bytes32 indexed addressHash, string porAddress);

    /**
     * @notice An address was removed from the list.
     * @param addressHash keccak256 of the address string (indexed, for filtering).
     * @param porAddress The address.
     */
    event PoRAddressRemoved(bytes32 indexed addressHash, string porAddress);

    /// @notice The address is already in the list.
    /// @param porAddress The address.
    error PoRAddressAlreadyListed(string porAddress);

    /// @notice The address is not in the list.
    /// @param porAddress The address.
    error PoRAddressNotListed(string porAddress);

    /// @notice An empty string is not an address.
    error EmptyPoRAddress();

    /// @notice The admin given to the constructor is the zero address.
    error ZeroAdmin();

    /**
     * @param admin Receives `DEFAULT_ADMIN_ROLE` and `LIST_MANAGER_ROLE`.
     * @param initialAddresses Addresses listed from the start (same rules as `addAddresses`).
     */
    constructor(address admin, string[] memory initialAddresses) {
        if (admin == address(0)) revert ZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(LIST_MANAGER_ROLE, admin);
        for (uint256 i = 0; i < initialAddresses.length; ++i) {
            _add(initialAddresses[i]);
        }
    }

    /**
     * @notice Adds addresses at the end of the list. Reverts, adding none, if any is empty, already
     * listed, or given twice.
     * @param porAddresses The addresses to add.
     */
    function addAddresses(string[] calldata porAddresses) external onlyRole(LIST_MANAGER_ROLE) {
        for (uint256 i = 0; i < porAddresses.length; ++i) {
            _add(porAddresses[i]);
        }
    }

    /**
     * @notice Removes addresses from the list; the last address takes each freed slot. Reverts,
     * removing none, if any is not listed (or given twice).
     * @param porAddresses The addresses to remove.
     */
    function removeAddresses(string[] calldata porAddresses) external onlyRole(LIST_MANAGER_ROLE) {
        for (uint256 i = 0; i < porAddresses.length; ++i) {
            _remove(porAddresses[i]);
        }
    }

    /**
     * @notice Whether an address is in the list.
     * @param porAddress The address, spelled exactly as listed.
     * @return listed True when listed.
     */
    function isPoRAddress(string calldata porAddress) external view returns (bool listed) {
        listed = _positions[keccak256(bytes(porAddress))] != 0;
    }

    /// @inheritdoc IPoRAddressList
    function getPoRAddressListLength() external view override returns (uint256) {
        return _addresses.length;
    }

    /**
     * @inheritdoc IPoRAddressList
     * @dev `endIndex` is inclusive and clamped to `getPoRAddressListLength() - 1`. An empty list, or a
     * `startIndex` past the (clamped) end, gives an empty array rather than a revert.
     */
    function getPoRAddressList(
        uint256 startIndex,
        uint256 endIndex
    ) external view override returns (string[] memory) {
        uint256 length = _addresses.length;
        if (length == 0 || startIndex > length - 1 || startIndex > endIndex) {
            return new string[](0);
        }
        uint256 lastIndex = endIndex < length ? endIndex : length - 1;
        string[] memory batch = new string[](lastIndex - startIndex + 1);
        for (uint256 i = 0; i < batch.length; ++i) {
            batch[i] = _addresses[startIndex + i];
        }
        return batch;
    }

    function _add(string memory porAddress) private {
        if (bytes(porAddress).length == 0) revert EmptyPoRAddress();
        bytes32 addressHash = keccak256(bytes(porAddress));
        if (_positions[addressHash] != 0) revert PoRAddressAlreadyListed(porAddress);
        _addresses.push(porAddress);
        _positions[addressHash] = _addresses.length;
        emit PoRAddressAdded(addressHash, porAddress);
    }

    function _remove(string memory porAddress) private {
        bytes32 addressHash = keccak256(bytes(porAddress));
        uint256 position = _positions[addressHash];
        if (position == 0) revert PoRAddressNotListed(porAddress);
        uint256 lastIndex = _addresses.length - 1;
        if (position - 1 != lastIndex) {
            string memory moved = _addresses[lastIndex];
            _addresses[position - 1] = moved;
            _positions[keccak256(bytes(moved))] = position;
        }
        _addresses.pop();
        delete _positions[addressHash];
        emit PoRAddressRemoved(addressHash, porAddress);
    }
}
