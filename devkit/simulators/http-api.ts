/**
 * A loopback HTTP API answering GET requests from a route function: the base of the provider
 * simulators here (an auditor's attestation API, a vault custodian's bar lists, a reserves API).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One answer: a status (200 unless given), headers and the body text, sent byte for byte. */
export interface ApiReply {
  status?: number
  headers?: Record<string, string>
  body: string
}

export interface ApiServer {
  /** The API's base URL. */
  url: string
  /** Every path requested, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

/** A JSON answer, from text written exactly as it should arrive (numbers keep all their digits). */
export const jsonReply = (body: string): ApiReply => ({
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
})

/**
 * Serves `route` on a loopback port: the answer to a GET of `path` (query included, base path
 * removed), or a 404 when `route` has none. The route is called per request, so answers can be
 * dated at the time they are asked.
 */
export async function serveApi(route: (path: string) => ApiReply | undefined): Promise<ApiServer> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    requests.push(path)
    const reply = req.method === 'GET' ? route(path) : undefined
    if (!reply) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(reply.status ?? 200, reply.headers).end(reply.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The path's segment after the first `/`, decoded (`/london?x=1` → `london`). */
export function firstSegment(path: string): string {
  return decodeURIComponent(path.split('?')[0].replace(/^\/+/, '').split('/')[0])
}
