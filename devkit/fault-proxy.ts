/**
 * A loopback HTTP proxy in front of a provider (a JSON-RPC node, a REST API) that counts
 * requests and misbehaves on cue: tests, benches and the conformance suite put it between an
 * adapter and a healthy provider to see what the adapter makes of a provider that fails.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the proxy does with one request:
 * - `forward`: relay it to the target (same method, path under the target URL, headers and
 *   body) and relay the answer;
 * - `destroy`: read the request, then destroy the socket without answering (a provider dying
 *   mid-request);
 * - `destroy-mid-response`: relay it, send the headers and half of the answer, then destroy the
 *   socket;
 * - `truncate`: relay it, and answer the first half of the body as if it were all of it (a
 *   `Content-Length` that matches the cut body);
 * - `hang`: never answer (the request stays open until the client gives up or the proxy closes);
 * - `redirect`: answer `307 Temporary Redirect` to the same request under {@link REDIRECTED}, on
 *   the proxy itself (same origin); a request under that path is relayed without asking `decide`
 *   (method and body kept, as 307 requires);
 * - `flood`: answer `200` with a JSON body that never ends (chunked, no `Content-Length`), sent as
 *   fast as the client reads, until the client closes the connection or {@link FLOOD_LIMIT_BYTES}
 *   have gone: {@link FaultProxy.floods} says how many bytes were sent;
 * - `{ status, body, headers? }`: answer this instead (`content-type: application/json` unless
 *   `headers` say otherwise), e.g. a `302` whose `location` is another origin.
 */
export type ProxyAction =
  | 'forward'
  | 'destroy'
  | 'destroy-mid-response'
  | 'truncate'
  | 'hang'
  | 'redirect'
  | 'flood'
  | { status: number; body: string; headers?: Record<string, string> }

/** Where the `redirect` action sends a request: this prefix, then the request's own path. */
export const REDIRECTED = '/redirected'

/** The most a `flood` answer sends, if its client never stops reading: 1 GiB. */
export const FLOOD_LIMIT_BYTES = 1024 ** 3

/** How one `flood` answer ended. */
export interface FloodOutcome {
  /** Body bytes written to the socket. */
  sent: number
  /** Whether the client closed the connection before the limit. */
  cut: boolean
}

export interface FaultProxy {
  url: string
  /** Every request body received, in order (a JSON-RPC batch is one request). */
  readonly requests: string[]
  /** The headers of every request received, in the same order (names in lower case). */
  readonly requestHeaders: Record<string, string>[]
  /** The path (and query) of every request received, in the same order. */
  readonly requestPaths: string[]
  /** Requests relayed to the target. */
  forwarded: number
  /** One per `flood` answer, settled when it ends: await them before reading the counts. */
  readonly floods: Promise<FloodOutcome>[]
  close(): Promise<void>
}

/** The request headers not relayed: the proxy's own connection, and what fetch sets itself. */
const HOP_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
])
/** The response headers not relayed: the body is relayed decoded, with its own length. */
const HOP_RESPONSE_HEADERS = new Set([
  'connection',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'keep-alive',
])

/** Sends an endless JSON text to `res`, a chunk whenever the socket drains, until it closes or the limit. */
function flood(res: ServerResponse): Promise<FloodOutcome> {
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let sent = 0
  return new Promise((settle) => {
    res.once('close', () => settle({ sent, cut: sent < FLOOD_LIMIT_BYTES }))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"padding":"')
    const pump = () => {
      while (!res.destroyed && sent < FLOOD_LIMIT_BYTES) {
        sent += chunk.length
        if (!res.write(chunk)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end('"}')
    }
    pump()
  })
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Starts a loopback proxy to `target` (a base URL: a request for `/a/b` goes to `<target>/a/b`);
 * `decide` picks the action for each request (0-based index, request body).
 */
export async function startFaultProxy(
  target: string,
  decide: (index: number, body: string) => ProxyAction | Promise<ProxyAction> = () => 'forward',
): Promise<FaultProxy> {
  const base = target.replace(/\/+$/, '')
  const requests: string[] = []
  const requestHeaders: Record<string, string>[] = []
  const requestPaths: string[] = []
  const floods: Promise<FloodOutcome>[] = []
  const proxy: FaultProxy = {
    url: '',
    requests,
    requestHeaders,
    requestPaths,
    forwarded: 0,
    floods,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
  const relay = async (req: IncomingMessage, body: Buffer, path: string) => {
    proxy.forwarded++
    const headers = Object.entries(req.headers).flatMap(([name, value]) =>
      HOP_REQUEST_HEADERS.has(name) || value === undefined ? [] : [[name, String(value)] as [string, string]],
    )
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const res = await fetch(`${base}${path}`, {
      method: req.method,
      headers,
      body: hasBody ? body : undefined,
      // The target's own redirects reach the client as they are.
      redirect: 'manual',
    })
    const responseHeaders: Record<string, string> = {}
    res.headers.forEach((value, name) => {
      if (!HOP_RESPONSE_HEADERS.has(name)) responseHeaders[name] = value
    })
    return { status: res.status, headers: responseHeaders, bytes: Buffer.from(await res.arrayBuffer()) }
  }
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req)
    const index = requests.length
    requests.push(body.toString('utf8'))
    requestHeaders.push(
      Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
    )
    const path = req.url ?? '/'
    requestPaths.push(path)
    const redirected = path.startsWith(`${REDIRECTED}/`)
    const action = redirected ? 'forward' : await decide(index, body.toString('utf8'))
    if (action === 'hang') return
    if (action === 'redirect') {
      res.writeHead(307, { location: `${REDIRECTED}${path}` }).end()
      return
    }
    if (action === 'flood') {
      floods.push(flood(res))
      return
    }
    if (action === 'destroy') {
      req.socket.destroy()
      return
    }
    if (typeof action === 'object') {
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers })
      res.end(action.body)
      return
    }
    const { status, headers, bytes } = await relay(
      req,
      body,
      redirected ? path.slice(REDIRECTED.length) : path,
    )
    const half = bytes.subarray(0, Math.floor(bytes.length / 2))
    if (action === 'destroy-mid-response') {
      res.writeHead(status, { ...headers, 'content-length': bytes.length })
      res.write(half, () => req.socket.destroy())
      return
    }
    const sent = action === 'truncate' ? half : bytes
    res.writeHead(status, { ...headers, 'content-length': sent.length })
    res.end(sent)
  }
  const server = createServer((req, res) => {
    answer(req, res).catch(() => req.socket.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
