/**
 * A loopback JSON-RPC proxy that counts requests and can misbehave on cue (tests and benches of
 * the EVM adapters).
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the proxy does with one request:
 * - `forward`: relay it to the target and relay the answer;
 * - `destroy`: read the request, then destroy the socket without answering (an RPC dying mid-request);
 * - `destroy-mid-response`: relay it, send the headers and half of the answer, then destroy the socket;
 * - `{ status, body }`: answer this instead.
 */
export type ProxyAction = 'forward' | 'destroy' | 'destroy-mid-response' | { status: number; body: string }

export interface RpcProxy {
  url: string
  /** Every request body received, in order (a JSON-RPC batch is one request). */
  readonly requests: string[]
  /** Requests relayed to the target. */
  forwarded: number
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts a loopback proxy to a JSON-RPC URL; `decide` picks the action for each request (0-based). */
export async function startRpcProxy(
  target: string,
  decide: (index: number, body: string) => ProxyAction | Promise<ProxyAction> = () => 'forward',
): Promise<RpcProxy> {
  const requests: string[] = []
  const proxy: RpcProxy = {
    url: '',
    requests,
    forwarded: 0,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
  const relay = async (body: string): Promise<{ status: number; text: string }> => {
    proxy.forwarded++
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: res.status, text: await res.text() }
  }
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const index = requests.length
      requests.push(body)
      const action = await decide(index, body)
      if (action === 'destroy') {
        req.socket.destroy()
        return
      }
      if (action === 'forward' || action === 'destroy-mid-response') {
        const { status, text } = await relay(body)
        const bytes = Buffer.from(text, 'utf8')
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length })
        if (action === 'forward') {
          res.end(bytes)
        } else {
          res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy())
        }
        return
      }
      res.writeHead(action.status, { 'content-type': 'application/json' })
      res.end(action.body)
    })().catch(() => req.socket.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
