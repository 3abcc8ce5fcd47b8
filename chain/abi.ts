/**
 * The ABI fragments the adapters and the dashboard read other people's contracts with, as ethers `Interface`s, written
 * as human-readable signatures. Only `ethers` is imported here (no artifact, nothing Hardhat builds):
 * the adapters' production build bundles this file. chain/abi.test.ts checks each fragment against the
 * compiled contract or interface it stands for.
 */
import { Interface } from 'ethers'

/** ERC-20 (`IERC20Metadata`): what a supply read needs, and the token's name for people. */
export const erc20Interface = new Interface([
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
])

/** Multicall3: many reads in one call, all at the same block, native balances among them. */
export const multicall3Interface = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
  'function getBlockNumber() view returns (uint256 blockNumber)',
  'function getEthBalance(address addr) view returns (uint256 balance)',
])

/** Chainlink's `PoRAddressList` interface: a list of reserve addresses read in pages. */
export const porAddressListInterface = new Interface([
  'function getPoRAddressListLength() view returns (uint256)',
  'function getPoRAddressList(uint256 startIndex, uint256 endIndex) view returns (string[])',
])

/**
 * A Chainlink feed: `AggregatorV3Interface` (`latestRoundData`, `decimals`, `description`), and
 * `AnswerUpdated`, which the aggregator behind a feed's proxy emits on each new round (`AggregatorInterface`).
 */
export const aggregatorV3Interface = new Interface([
  'function decimals() view returns (uint8)',
  'function description() view returns (string)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
])

/**
 * A CCIP token pool (`TokenPool` of `@chainlink/contracts-ccip` 2.0.0): what it is, the token it moves, and the
 * events every lock or burn and every release or mint emits, with the amount moved in the local token's units.
 */
export const ccipTokenPoolInterface = new Interface([
  'function typeAndVersion() pure returns (string)',
  'function getToken() view returns (address)',
  'event LockedOrBurned(uint64 indexed remoteChainSelector, address token, address sender, uint256 amount)',
  'event ReleasedOrMinted(uint64 indexed remoteChainSelector, address token, address sender, address recipient, uint256 amount)',
])
