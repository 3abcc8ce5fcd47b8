/**
 * The dashboard's one process: a `node:http` server in front of the reading loop (dashboard/dashboard.ts).
 *
 * | path                                   | what                                                                |
 * | -------------------------------------- | ------------------------------------------------------------------- |
 * | `GET /`                                | the page, rendered from the last snapshot (`?part=main`: its main)  |
 * | `GET /api/snapshot`                    | the last snapshot, JSON (amounts as decimal strings)                |
 * | `GET /metrics`                         | the chain's gauges the chain alerts are judged on (Prometheus text) |
 * | `GET /health`                          | 200 once a snapshot is read                                         |
 * | `GET /static/…`                        | the page's script (bundled with uPlot at start), its styles         |
 * | `GET /block/<n>`, `/tx/<hash>`, `/address/<a>` | the dashboard's own explorer pages, when no explorer is set |
 *
 * Nothing is loaded from elsewhere (a Content-Security-Policy of `'self'`); everything is read-only.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { toJson } from '#devkit/cli'
import type { Dashboard } from './dashboard'
import { addressPage, blockPage, txPage } from './page/explorer'
import { renderMain, renderPage } from './page/render'

const HERE = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

interface Asset {
  type: string
  body: string | Uint8Array
}

/** The page's script, bundled with uPlot from node_modules (nothing from a CDN), and its styles. */
async function staticAssets(): Promise<Map<string, Asset>> {
  const bundle = await build({
    entryPoints: [join(HERE, 'client', 'dashboard.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    target: 'es2020',
    logLevel: 'silent',
  })
  const uplotCss = join(dirname(require.resolve('uplot')), 'uPlot.min.css')
  return new Map<string, Asset>([
    [
      '/static/dashboard.js',
      { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
    ],
    [
      '/static/dashboard.css',
      { type: 'text/css; charset=utf-8', body: readFileSync(join(HERE, 'page', 'dashboard.css')) },
    ],
    ['/static/uPlot.min.css', { type: 'text/css; charset=utf-8', body: readFileSync(uplotCss) }],
  ])
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

export interface DashboardServer {
  url: string
  server: Server
  close(): Promise<void>
}

/** Serves `dashboard` on `host`:`port` (0: a free port); resolves once it listens. */
export async function serveDashboard(
  dashboard: Dashboard,
  host: string,
  port: number,
): Promise<DashboardServer> {
  const assets = await staticAssets()
  const provider = dashboard.provider
  const local = dashboard.settings.explorer === undefined

  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Uint8Array,
    cache = 'no-store',
  ) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': cache, ...SECURITY_HEADERS })
    res.end(body)
  }
  const page = (res: ServerResponse, body: string | undefined) =>
    body === undefined
      ? send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
      : send(res, 200, 'text/html; charset=utf-8', body)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n')
    }
    const url = new URL(req.url ?? '/', 'http://dashboard')
    const snapshot = dashboard.snapshot
    const asset = assets.get(url.pathname)
    if (asset) return send(res, 200, asset.type, asset.body, 'max-age=60')
    if (url.pathname === '/') {
      if (url.searchParams.get('part') === 'main' && snapshot) return page(res, renderMain(snapshot).text)
      return page(res, renderPage(snapshot))
    }
    if (url.pathname === '/api/snapshot') {
      if (!snapshot) return send(res, 503, 'application/json', '{"error":"no snapshot yet"}\n')
      return send(res, 200, 'application/json', `${toJson(snapshot)}\n`)
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '', 'max-age=3600') // none
    if (url.pathname === '/metrics')
      return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', dashboard.metricsText())
    if (url.pathname === '/health') {
      return snapshot
        ? send(res, 200, 'application/json', '{"message":"OK"}\n')
        : send(res, 503, 'application/json', '{"message":"no snapshot yet"}\n')
    }
    const match = /^\/(block|tx|address)\/([0-9]+|0x[0-9a-fA-F]{40}|0x[0-9a-fA-F]{64})$/.exec(url.pathname)
    if (local && match) {
      const [, kind, id] = match
      if (kind === 'block' && /^[0-9]+$/.test(id)) return page(res, await blockPage(provider, Number(id)))
      if (kind === 'tx' && id.length === 66) return page(res, await txPage(provider, id))
      if (kind === 'address' && id.length === 42) return page(res, await addressPage(provider, id))
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(
          res,
          502,
          'text/plain; charset=utf-8',
          `the chain could not be read: ${(error as Error).message.split('\n')[0]}\n`,
        )
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  dashboard.url = url
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
