// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title CodeStore
 * @notice Bytes kept as the code of a data contract (the SSTORE2 pattern): reading them costs one cold
 * account access and 3 gas a word, instead of one cold storage slot (2,100 gas) per word. Writing deploys a
 * new data contract (about 200 gas a byte), so the pattern suits data read on every check and written only
 * when it changes.
 *
 * The data contract's code is a `STOP` byte followed by the data, so that calling it does nothing. Data is
 * identified by the address of its data contract; the zero address holds no bytes.
 */
library CodeStore {
    /// @notice Deploying the data contract failed.
    error CodeStoreWriteFailed();

    /// @dev The bytes of the data contract before the data (the `STOP`).
    uint256 private constant DATA_OFFSET = 1;

    /**
     * @notice Deploys a data contract holding `data`.
     * @return pointer the data contract (the zero address for empty data)
     */
    function write(bytes memory data) internal returns (address pointer) {
        if (data.length == 0) return address(0);
        // Creation code: copy the runtime that follows it and return it. PUSH2 size, DUP1, PUSH1 0x0a,
        // RETURNDATASIZE (0), CODECOPY, RETURNDATASIZE (0), RETURN; then the runtime: STOP and the data.
        bytes memory creation = abi.encodePacked(hex"61", uint16(DATA_OFFSET + data.length), hex"80600a3d393df3", hex"00", data);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            pointer := create(0, add(creation, 0x20), mload(creation))
        }
        if (pointer == address(0)) revert CodeStoreWriteFailed();
    }

    /// @notice The number of bytes held.
    function size(address pointer) internal view returns (uint256) {
        uint256 codeSize = pointer.code.length;
        return codeSize == 0 ? 0 : codeSize - DATA_OFFSET;
    }

    /// @notice Every byte held.
    function read(address pointer) internal view returns (bytes memory data) {
        return read(pointer, 0, size(pointer));
    }

    /// @notice `length` bytes from `offset` (zeros past the end).
    function read(address pointer, uint256 offset, uint256 length) internal view returns (bytes memory data) {
        data = new bytes(length);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(pointer, add(data, 0x20), add(offset, DATA_OFFSET), length)
        }
    }
}
