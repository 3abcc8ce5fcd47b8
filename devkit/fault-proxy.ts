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
 * - `{ status, body, headers? }`: answer this instead (`content-type: application/json` unless
 *   `headers` say otherwise).
 */
export type ProxyAction =
  | 'forward'
  | 'destroy'
  | 'destroy-mid-response'
  | 'truncate'
  | 'hang'
  | { status: number; body: string; headers?: Record<string, string> }

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
  const proxy: FaultProxy = {
    url: '',
    requests,
    requestHeaders,
    requestPaths,
    forwarded: 0,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
  const relay = async (req: IncomingMessage, body: Buffer) => {
    proxy.forwarded++
    const headers = Object.entries(req.headers).flatMap(([name, value]) =>
      HOP_REQUEST_HEADERS.has(name) || value === undefined ? [] : [[name, String(value)] as [string, string]],
    )
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const res = await fetch(`${base}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: hasBody ? body : undefined,
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
    requestPaths.push(req.url ?? '/')
    const action = await decide(index, body.toString('utf8'))
    if (action === 'hang') return
    if (action === 'destroy') {
      req.socket.destroy()
      return
    }
    if (typeof action === 'object') {
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers })
      res.end(action.body)
      return
    }
    const { status, headers, bytes } = await relay(req, body)
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
