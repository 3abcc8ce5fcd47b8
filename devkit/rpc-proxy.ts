/**
 * JSON-RPC nodes that misbehave in ways only JSON-RPC can, built on the fault proxy: a node that
 * lags behind its chain ({@link startLaggingRpc}), and a batch relayed to the real node with
 * some of its replies edited ({@link relayEdited}), e.g. a call that answers nothing; and a node
 * that redirects elsewhere ({@link startRedirectingRpc}).
 *
 * A lagging node serves an older block as the head, as a node that has stopped syncing, or
 * syncs slowly, does: `eth_blockNumber` answers the old block; `latest` (and `pending`, `safe`,
 * `finalized`) in a call's block tag means the old block; a block above it, by number or by
 * hash (EIP-1898 `{ blockHash }`), is one the node does not have (`eth_getBlockByNumber` and
 * `eth_getBlockByHash` answer null, a call or `eth_getCode` "header not found"). Everything
 * else is the real node's answer, so the state read is the chain's own state at the old block.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFaultProxy, type FaultProxy } from './fault-proxy'

/** How far behind the node is: a fixed number of blocks below the real head, or stuck at one block. */
export type Lag = { behind: number } | { stuckAt: number }

/** Where each method takes its block tag (its position in `params`). */
const BLOCK_TAG_PARAM: Record<string, number> = {
  eth_call: 1,
  eth_getCode: 1,
  eth_getBalance: 1,
  eth_getStorageAt: 2,
  eth_getTransactionCount: 1,
  eth_getBlockByNumber: 0,
}

const NAMED_TAGS = new Set(['latest', 'pending', 'safe', 'finalized'])

/** A JSON-RPC request as sent. */
export interface RpcRequest {
  jsonrpc: string
  id: unknown
  method: string
  params?: unknown[]
}

const hex = (n: number) => `0x${n.toString(16)}`

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.json()
}

/** The real node's head. */
async function realHead(target: string): Promise<number> {
  const reply = (await post(target, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })) as {
    result: string
  }
  return Number(BigInt(reply.result))
}

/** The block the lagging node serves as its head now. */
async function laggingHead(target: string, lag: Lag): Promise<number> {
  if ('stuckAt' in lag) return lag.stuckAt
  return Math.max(0, (await realHead(target)) - lag.behind)
}

/** The block hash a request names (`eth_getBlockByHash`, or an EIP-1898 `{ blockHash }`), if any. */
function namedHash(request: RpcRequest): string | undefined {
  const params = request.params ?? []
  if (request.method === 'eth_getBlockByHash') return typeof params[0] === 'string' ? params[0] : undefined
  const position = BLOCK_TAG_PARAM[request.method]
  const tag = position === undefined ? undefined : params[position]
  const hash = (tag as { blockHash?: unknown } | undefined)?.blockHash
  return typeof hash === 'string' ? hash : undefined
}

/** The real node's height of each block `hashes` names (undefined: a block it does not know). */
async function heightsOf(target: string, hashes: string[]): Promise<Map<string, number | undefined>> {
  if (hashes.length === 0) return new Map()
  const replies = (await post(
    target,
    hashes.map((hash, id) => ({ jsonrpc: '2.0', id, method: 'eth_getBlockByHash', params: [hash, false] })),
  )) as { id: number; result?: { number: string } | null }[]
  return new Map(
    hashes.map((hash, id) => {
      const block = replies.find((reply) => reply.id === id)?.result
      return [hash, block ? Number(BigInt(block.number)) : undefined]
    }),
  )
}

/**
 * One request as the lagging node answers it: `{ reply }` when it answers it itself, or
 * `{ forward }`, the request to send the real node (block tags pinned to the old head).
 * `heights` holds the height of each block the batch names by hash.
 */
function rewrite(
  request: RpcRequest,
  head: number,
  heights: Map<string, number | undefined>,
): { reply: unknown } | { forward: RpcRequest } {
  const { id, method } = request
  if (method === 'eth_blockNumber') return { reply: { jsonrpc: '2.0', id, result: hex(head) } }
  const notHeld = {
    reply:
      method === 'eth_getBlockByNumber' || method === 'eth_getBlockByHash'
        ? { jsonrpc: '2.0', id, result: null }
        : { jsonrpc: '2.0', id, error: { code: -32000, message: 'header not found' } },
  }
  const hash = namedHash(request)
  if (hash !== undefined) {
    const height = heights.get(hash)
    return height === undefined || height > head ? notHeld : { forward: request }
  }
  const position = BLOCK_TAG_PARAM[method]
  const params = [...(request.params ?? [])]
  if (position === undefined) return { forward: request }
  const tag = params[position] ?? 'latest'
  if (typeof tag === 'string' && NAMED_TAGS.has(tag)) {
    params[position] = hex(head)
  } else if (typeof tag === 'string' && /^0x[0-9a-f]+$/i.test(tag) && Number(BigInt(tag)) > head) {
    return notHeld
  }
  return { forward: { ...request, params } }
}

/** One JSON-RPC request as sent, and what `edit` may answer instead of the real node's reply. */
export type ReplyEdit = (request: RpcRequest, reply: unknown) => unknown

/**
 * Relays the JSON-RPC batch `body` to the node at `target` and answers it, each reply passed
 * through `edit` (which returns the reply to send): for a proxy's `decide`.
 */
export async function relayEdited(
  target: string,
  body: string,
  edit: ReplyEdit,
): Promise<{ status: number; body: string }> {
  const batch = JSON.parse(body) as RpcRequest[]
  const replies = (await post(target, batch)) as { id: unknown }[]
  const edited = batch.map((request) =>
    edit(
      request,
      replies.find((reply) => reply.id === request.id),
    ),
  )
  return { status: 200, body: JSON.stringify(edited) }
}

/**
 * Starts a lagging node in front of the JSON-RPC node at `target`. The returned proxy counts
 * requests like any {@link FaultProxy}.
 */
export async function startLaggingRpc(target: string, lag: Lag): Promise<FaultProxy> {
  return startFaultProxy(target, async (_index, body) => {
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[]
    const batch = Array.isArray(parsed) ? parsed : [parsed]
    const head = await laggingHead(target, lag)
    const hashes = batch.flatMap((request) => namedHash(request) ?? [])
    const heights = await heightsOf(target, hashes)
    const outcomes = batch.map((request) => rewrite(request, head, heights))
    const forwarded = outcomes.flatMap((outcome) => ('forward' in outcome ? [outcome.forward] : []))
    const answered = forwarded.length > 0 ? ((await post(target, forwarded)) as { id: unknown }[]) : []
    const replies = outcomes.map((outcome) =>
      'reply' in outcome ? outcome.reply : answered.find((reply) => reply.id === outcome.forward.id),
    )
    return { status: 200, body: JSON.stringify(Array.isArray(parsed) ? replies : replies[0]) }
  })
}

/** A node that answers every request with a 307 to another origin, and that origin's count of requests. */
export interface RedirectingRpc {
  /** the redirecting node's URL, with a path such as providers put keys in (`/v2/secret-api-key`) */
  url: string
  /** the origin it redirects to, which answers chain id 31337 to anyone who follows */
  targetOrigin: string
  /** how many requests reached the target: 0 unless someone followed the redirect */
  targetCalls(): number
  close(): Promise<void>
}

/** Starts a {@link RedirectingRpc} on loopback: for the tools that must refuse a redirect rather than follow it. */
export async function startRedirectingRpc(): Promise<RedirectingRpc> {
  let calls = 0
  const target = createServer((_request, response) => {
    calls += 1
    response.end('{"jsonrpc":"2.0","id":1,"result":"0x7a69"}')
  })
  await new Promise<void>((done) => target.listen(0, '127.0.0.1', done))
  const targetOrigin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
  const redirecting = createServer((_request, response) => {
    response.writeHead(307, { location: `${targetOrigin}/v2/elsewhere` }).end()
  })
  await new Promise<void>((done) => redirecting.listen(0, '127.0.0.1', done))
  const close = (server: Server) => new Promise<void>((done) => server.close(() => done()))
  return {
    url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v2/secret-api-key`,
    targetOrigin,
    targetCalls: () => calls,
    close: async () => {
      await Promise.all([close(redirecting), close(target)])
    },
  }
}
