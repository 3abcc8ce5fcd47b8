/**
 * What a provider's HTTP answer may make an adapter do, on every provider path (ProviderClient
 * and the EVM JSON-RPC client), against real loopback servers:
 * - a redirect to another origin is never followed: no credential leaves for a host the
 *   operator did not configure, no figure comes from one; the 502 names that origin alone;
 * - a redirect within the configured origin is followed, a bounded number of times;
 * - a body larger than the cap is not read past the cap: the connection is closed, and 502.
 */
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { startFaultProxy, type FaultProxy, type ProxyAction } from '#devkit/fault-proxy'
import { localChainUrl } from '#devkit/local-chain'
import { jsonReply, serveApi, type ApiServer } from '#devkit/simulators/http-api'
import { EvmRpcClient, resolveEvmNetwork } from '../evm-rpc'
import { MAX_REDIRECTS } from '../http-fetch'
import { ProviderClient } from '../provider-client'

const API_KEY = 'k3y-never-elsewhere'
const MiB = 1024 ** 2

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(502)
    return (error as AdapterError).message
  }
  throw new Error('expected a failure')
}

let provider: ApiServer
let elsewhere: ApiServer
let proxy: FaultProxy
let next: ProxyAction = 'forward'

beforeAll(async () => {
  provider = await serveApi((path) => (path.startsWith('/v1/') ? jsonReply('{"figure":"1"}') : undefined))
  // Another origin (another port of the same host): nothing may ever reach it.
  elsewhere = await serveApi(() => jsonReply('{"figure":"999999"}'))
  proxy = await startFaultProxy(provider.url, () => next)
})
afterEach(() => {
  next = 'forward'
})
afterAll(async () => {
  await proxy.close()
  await provider.close()
  await elsewhere.close()
})

/** `elsewhere` with userinfo, a path and a query: none of which may be shown. */
const elsewhereWithSecrets = () => {
  const url = new URL(`${elsewhere.url}/steal/path`)
  url.username = 'thief'
  url.password = 'pw'
  url.searchParams.set('token', 'leaked-query')
  return url.toString()
}
const HIDDEN = ['thief', 'steal', 'leaked-query', API_KEY]

describe('ProviderClient', () => {
  const client = (urls: string[], maxBodyBytes = MiB) =>
    new ProviderClient({
      urls,
      headers: { 'x-api-key': API_KEY },
      timeoutMs: 10_000,
      retries: 1,
      backoffMs: 0,
      concurrency: 2,
      requestsPerSecond: 0,
      maxBodyBytes,
      label: 'TEST_API_URL',
    })

  describe.each([301, 302, 303, 307, 308])('answered %i to another origin', (status) => {
    it('refuses it with a 502 naming that origin alone, and never asks it', async () => {
      next = { status, body: '', headers: { location: elsewhereWithSecrets() } }
      const asked = elsewhere.requests.length
      const message = await failure(client([`${proxy.url}/v1`]).get('london', 'vault london'))
      expect(elsewhere.requests.length).toBe(asked)
      expect(message).toContain(new URL(elsewhere.url).origin)
      expect(HIDDEN.filter((secret) => message.includes(secret))).toEqual([])
    })
  })

  it('does not ask again a URL that redirected elsewhere, and fails over to the next configured one', async () => {
    next = { status: 302, body: '', headers: { location: elsewhere.url } }
    const before = proxy.requests.length
    const response = await client([`${proxy.url}/v1`, `${provider.url}/v1`]).get('london', 'vault london')
    expect(JSON.parse(response.text)).toEqual({ figure: '1' })
    expect(proxy.requests.length - before).toBe(1)
  })

  it('follows a redirect within its origin, the key sent again', async () => {
    next = 'redirect'
    const before = proxy.requests.length
    const response = await client([`${proxy.url}/v1`]).get('london', 'vault london')
    expect(JSON.parse(response.text)).toEqual({ figure: '1' })
    expect(proxy.requestPaths.slice(before)).toEqual(['/v1/london', '/redirected/v1/london'])
    expect(proxy.requestHeaders.slice(before).map((h) => h['x-api-key'])).toEqual([API_KEY, API_KEY])
  })

  it(`gives up after ${MAX_REDIRECTS} redirects within its origin`, async () => {
    const loop = await serveApi((path) => ({ status: 302, headers: { location: `${path}x` }, body: '' }))
    try {
      const message = await failure(client([`${loop.url}/v1/`]).get('london', 'vault london'))
      expect(message).toMatch(new RegExp(`more than ${MAX_REDIRECTS} redirects`))
      // The first request and MAX_REDIRECTS redirects, not retried: the URL would only loop again.
      expect(loop.requests).toHaveLength(MAX_REDIRECTS + 1)
    } finally {
      await loop.close()
    }
  })

  it('refuses a body announced larger than its cap without reading it', async () => {
    const big = await serveApi(() => jsonReply(`{"padding":"${'x'.repeat(2 * MiB)}"}`))
    try {
      const message = await failure(client([big.url]).get('v1/london', 'vault london'))
      expect(message).toMatch(/larger than 1048576 bytes/)
    } finally {
      await big.close()
    }
  })

  it('stops reading a body without end at its cap, closing the connection: 502', async () => {
    next = 'flood'
    const floods = proxy.floods.length
    const message = await failure(client([`${proxy.url}/v1`]).get('london', 'vault london'))
    expect(message).toMatch(/larger than 1048576 bytes/)
    const outcomes = await Promise.all(proxy.floods.slice(floods))
    // Cut after about the cap, not the gigabyte; not asked again (it would flood again).
    expect(outcomes.map((o) => o.cut)).toEqual([true])
    expect(outcomes[0].sent).toBeLessThan(32 * MiB)
  })

  it('takes a body right at its cap', async () => {
    const body = `{"padding":"${'x'.repeat(MiB - 14)}"}`
    const exact = await serveApi(() => jsonReply(body))
    try {
      expect(Buffer.byteLength(body)).toBe(MiB)
      expect((await client([exact.url]).get('v1/london', 'vault london')).text).toBe(body)
    } finally {
      await exact.close()
    }
  })
})

describe('EvmRpcClient', () => {
  let rpc: FaultProxy
  let rpcNext: ProxyAction = 'forward'
  beforeAll(async () => {
    rpc = await startFaultProxy(localChainUrl('A'), () => rpcNext)
  })
  afterEach(() => {
    rpcNext = 'forward'
  })
  afterAll(() => rpc.close())

  const client = (urls: string[]) =>
    new EvmRpcClient(
      resolveEvmNetwork('local', 'network', { LOCAL_RPC_URL: urls.join(','), LOCAL_RPC_CHAIN_ID: '31337' }),
      { timeoutMs: 10_000, maxBodyBytes: MiB },
    )

  it.each([302, 307, 308])(
    'refuses a %i to another origin, naming it alone, and never asks it',
    async (status) => {
      rpcNext = { status, body: '', headers: { location: elsewhereWithSecrets() } }
      const asked = elsewhere.requests.length
      const message = await failure(client([rpc.url]).pin(0))
      expect(elsewhere.requests.length).toBe(asked)
      expect(message).toContain(new URL(elsewhere.url).origin)
      expect(HIDDEN.filter((secret) => message.includes(secret))).toEqual([])
    },
  )

  it('follows a 307 within its origin, the batch posted again', async () => {
    rpcNext = 'redirect'
    const before = rpc.requests.length
    const read = await client([rpc.url]).pin(0)
    expect(read.block.number).toBeGreaterThanOrEqual(0n)
    const [first, again] = rpc.requests.slice(before)
    expect(again).toBe(first)
    expect(rpc.requestPaths.slice(before, before + 2)).toEqual(['/', '/redirected/'])
  })

  it('refuses an answer with a key twice in one object, naming it, and fails over', async () => {
    // eth_chainId, then eth_blockNumber answered twice over, then eth_getCode.
    rpcNext = {
      status: 200,
      body:
        '[{"jsonrpc":"2.0","id":0,"result":"0x7a69"},' +
        '{"jsonrpc":"2.0","id":1,"result":"0xffffff","result":"0x1"},' +
        '{"jsonrpc":"2.0","id":2,"result":"0x"}]',
    }
    const message = await failure(client([rpc.url]).pin(0))
    expect(message).toMatch(/ambiguous body: "\[1\]\.result" appears twice/)
    const read = await client([rpc.url, localChainUrl('A')]).pin(0)
    expect(read.block.number).toBeLessThan(0xffffffn)
  })

  it('stops reading a body without end at its cap, closing the connection: 502', async () => {
    rpcNext = 'flood'
    const floods = rpc.floods.length
    const message = await failure(client([rpc.url]).pin(0))
    expect(message).toMatch(/larger than 1048576 bytes/)
    const outcomes = await Promise.all(rpc.floods.slice(floods))
    expect(outcomes.map((o) => o.cut)).toEqual([true])
    expect(outcomes[0].sent).toBeLessThan(32 * MiB)
  })
})
