/**
 * The two reserve feeds our paths write, on a local chain, each read through Chainlink's EACAggregatorProxy.
 *
 * The Automation path's feed ({@link deployAggregatorFeed}): a Chainlink aggregator that an oracle submits answers
 * to, as the demo's (FluxAggregator, `@chainlink/contracts` 0.8.0; today's PoR feeds run OCR2 aggregators, which
 * no npm package publishes).
 *
 * A CRE data feed as Chainlink deploys one ({@link deployCreFeed}): Chainlink's `DataFeedsCache`
 * (`@chainlink/contracts` 1.5.0, built at its pragma 0.8.26) holding one decimal feed, written only by one
 * workflow (its forwarder, owner and name), and Chainlink's `EACAggregatorProxy` in front of it, through which
 * every reader (`ReserveCheck`, the guard, `SecureMintToken`) reads the feed as any Data Feed
 * (`AggregatorV3Interface`).
 *
 * The cache serves many feeds: it tells them apart by the proxy that calls it (`msg.sender`), mapped to a
 * data id with `updateDataIdMappingsForProxies`. The proxy is the one every Data Feed has: the cache was made
 * to sit behind it (its `NewRound` and `AnswerUpdated` are kept "for DF1 backward compatibility", and
 * Chainlink's own tests read it through a copy of this proxy). A decimal feed's decimals are in its data id,
 * byte 7 = 0x20 + decimals ({@link decimalDataId}).
 *
 * Write permission is a (data id, sender, workflow owner, workflow name) tuple: the sender is the forwarder
 * calling `onReport`, and the name is the 10 bytes the forwarder passes in the report metadata, which CRE
 * derives from the workflow's name ({@link onChainWorkflowName}), not the workflow ID: a new build of the same
 * workflow needs no new permission.
 */
import {
  MaxInt256,
  ZeroAddress,
  concat,
  getBytes,
  hexlify,
  keccak256,
  sha256,
  toUtf8Bytes,
  type Signer,
  type TransactionReceipt,
} from 'ethers'
import {
  deployDataFeedsCache,
  deployEACAggregatorProxy,
  deployFluxAggregator,
  deployLinkToken,
  type DataFeedsCache,
  type EACAggregatorProxy,
  type FluxAggregator,
} from '#chain/contracts'
import { mined } from '#chain/events'

type Hex = `0x${string}`

/** The decimals a decimal data id can carry: its byte 7 is 0x20 + decimals, at most 0x60. */
export const MAX_DATA_ID_DECIMALS = 0x40

/**
 * A data id for a decimal feed: `0x01`, six bytes of `keccak256(label)` (which feed), byte 7 = 0x20 + decimals
 * (what `DataFeedsCache` reads the feed's decimals from), eight zero bytes.
 */
export function decimalDataId(decimals: number, label: string): Hex {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DATA_ID_DECIMALS) {
    throw new RangeError(`a decimal data id carries 0–${MAX_DATA_ID_DECIMALS} decimals, not ${decimals}`)
  }
  const feed = getBytes(keccak256(toUtf8Bytes(label))).slice(0, 6)
  return hexlify(concat(['0x01', feed, new Uint8Array([0x20 + decimals]), new Uint8Array(8)])) as Hex
}

/**
 * The workflow name as the forwarder passes it in the report metadata (bytes10): the first ten characters of
 * the hex SHA-256 of the name (`HashTruncateName` in smartcontractkit/chainlink-common, pkg/workflows), as ASCII.
 */
export function onChainWorkflowName(workflowName: string): Hex {
  return hexlify(toUtf8Bytes(sha256(toUtf8Bytes(workflowName)).slice(2, 12))) as Hex
}

/** Who may write the feed: the forwarder delivering the reports, the workflow's owner and its name. */
export interface FeedWriter {
  forwarder: string
  workflowOwner: string
  /** The workflow's name (as in workflow.yaml's `workflow-name`), not its on-chain form. */
  workflowName: string
}

export interface CreFeedOptions {
  /** The answer's decimals (the adapter's), carried by the data id. */
  decimals: number
  /** The feed's description, as a Data Feed's. */
  description: string
  /** The workflows that may write it. */
  writers: FeedWriter[]
  /** Default: {@link decimalDataId} of the description. */
  dataId?: Hex
  /** A cache to add the feed to, whose owner made `admin` a feed admin; default: a new cache. */
  cache?: DataFeedsCache
}

export interface CreFeed {
  cache: DataFeedsCache
  cacheAddress: string
  /** The feed's address for readers. */
  proxy: EACAggregatorProxy
  proxyAddress: string
  /** bytes16 */
  dataId: Hex
}

/** `setDecimalFeedConfigs`'s workflow metadata for these writers. */
export function workflowMetadata(writers: readonly FeedWriter[]) {
  return writers.map(({ forwarder, workflowOwner, workflowName }) => ({
    allowedSender: forwarder,
    allowedWorkflowOwner: workflowOwner,
    allowedWorkflowName: onChainWorkflowName(workflowName),
  }))
}

/**
 * Deploys a DataFeedsCache owned by `admin` (who becomes its feed admin), or takes `options.cache`, configures
 * one decimal feed written by `writers`, and deploys an EACAggregatorProxy (owned by `admin`, no access
 * controller) mapped to it. The feed has no answer until the first report: reading it then gives round 0,
 * `updatedAt` 0, which the readers count as short.
 */
export async function deployCreFeed(admin: Signer, options: CreFeedOptions): Promise<CreFeed> {
  const { decimals, description, writers } = options
  const dataId = options.dataId ?? decimalDataId(decimals, description)
  const cache = options.cache ?? (await deployDataFeedsCache(admin))
  const cacheAddress = await cache.getAddress()
  if (!options.cache) await mined(cache.setFeedAdmin(await admin.getAddress(), true))
  await mined(cache.setDecimalFeedConfigs([dataId], [description], workflowMetadata(writers)))
  const proxy = await deployEACAggregatorProxy(admin, cacheAddress, ZeroAddress)
  const proxyAddress = await proxy.getAddress()
  await mined(cache.updateDataIdMappingsForProxies([proxyAddress], [dataId]))
  return { cache, cacheAddress, proxy, proxyAddress, dataId }
}

/** The Automation path's feed: a Chainlink aggregator with one oracle, behind its proxy. */
export interface AggregatorFeed {
  aggregator: FluxAggregator
  /** The feed's address for readers. */
  proxy: EACAggregatorProxy
  proxyAddress: string
  /** The oracle submits `answer` as the next round (one answer completes a round, updated now). */
  submit(answer: bigint): Promise<TransactionReceipt>
}

/** How long a round stays open without answers; with one oracle, every round completes at once. */
const ROUND_TIMEOUT_SECONDS = 3_600

/**
 * Deploys a FluxAggregator with `oracle` as its one oracle (paid nothing per answer, answers from 0 to int256's
 * largest), owned by `admin`, and an EACAggregatorProxy in front of it. Until the first submission, reading the
 * feed reverts ("No data present"), as a Chainlink aggregator's does.
 */
export async function deployAggregatorFeed(
  admin: Signer,
  oracle: Signer,
  { decimals, description }: { decimals: number; description: string },
): Promise<AggregatorFeed> {
  const link = await deployLinkToken(admin)
  const aggregator = await deployFluxAggregator(
    admin,
    link,
    0n,
    ROUND_TIMEOUT_SECONDS,
    ZeroAddress,
    0n,
    MaxInt256,
    decimals,
    description,
  )
  const oracleAddress = await oracle.getAddress()
  await mined(aggregator.changeOracles([], [oracleAddress], [oracleAddress], 1, 1, 0))
  const proxy = await deployEACAggregatorProxy(admin, aggregator, ZeroAddress)
  return {
    aggregator,
    proxy,
    proxyAddress: await proxy.getAddress(),
    submit: (answer) => submitAnswer(aggregator, oracle, answer),
  }
}

/** The oracle submits `answer` to an aggregator of {@link deployAggregatorFeed} as its next round. */
export async function submitAnswer(
  aggregator: FluxAggregator,
  oracle: Signer,
  answer: bigint,
): Promise<TransactionReceipt> {
  const round = (await aggregator.latestRound()) + 1n
  return mined(aggregator.connect(oracle).submit(round, answer))
}
