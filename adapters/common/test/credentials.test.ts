/**
 * Provider URLs with credentials (`https://user:password@host/…?apikey=…`): the credentials go
 * in an HTTP Basic header (fetch refuses them in the URL), the query stays, and neither ever
 * shows in an error message.
 */
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { localChainUrl } from '#devkit/local-chain'
import { deadUrl } from '#devkit/ports'
import { jsonReply, serveApi, type ApiServer } from '#devkit/simulators/http-api'
import { EvmRpcClient, resolveEvmNetwork } from '../evm-rpc'
import { ProviderClient } from '../provider-client'
import { urlListSetting } from '../provider-settings'

const USER = 'operator'
const PASSWORD = 's3cret pass'
const QUERY_SECRET = 'q-s3cret'
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`

/** `url` with the operator's credentials and an API key in its query. */
function withSecrets(url: string): string {
  const parsed = new URL(url)
  parsed.username = USER
  parsed.password = PASSWORD
  parsed.searchParams.set('apikey', QUERY_SECRET)
  return parsed.toString()
}

const SECRETS = [USER, 's3cret', QUERY_SECRET]

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    return (error as AdapterError).message
  }
  throw new Error('expected a failure')
}

describe('ProviderClient, with credentials in its URLs', () => {
  let api: ApiServer
  let broken: ApiServer
  let proxy: FaultProxy
  const client = (urls: string[]) =>
    new ProviderClient({
      urls,
      timeoutMs: 2_000,
      retries: 0,
      backoffMs: 0,
      concurrency: 2,
      requestsPerSecond: 0,
      label: 'TEST_API_URL',
    })

  beforeAll(async () => {
    api = await serveApi((path) =>
      path.startsWith('/v1/accounts/acme') ? jsonReply('{"ok":true}') : undefined,
    )
    broken = await serveApi(() => ({
      status: 500,
      body: `server error at ${withSecrets('http://x.example/v1')}`,
    }))
    proxy = await startFaultProxy(api.url)
  })
  afterAll(async () => {
    await proxy.close()
    await api.close()
    await broken.close()
  })

  it('sends user:password as HTTP Basic, keeps the query, and the path lands under the base path', async () => {
    const response = await client([withSecrets(`${proxy.url}/v1`)]).get('accounts/acme', 'acme')
    expect(response.status).toBe(200)
    expect(proxy.requestPaths.at(-1)).toBe(`/v1/accounts/acme?apikey=${QUERY_SECRET}`)
    expect(proxy.requestHeaders.at(-1)?.authorization).toBe(BASIC)
  })

  it('names the URLs that failed by setting, position and host only', async () => {
    const message = await failure(
      client([withSecrets(await deadUrl()), withSecrets(`${broken.url}/v1`)]).get('accounts/acme', 'acme'),
    )
    expect(message).toMatch(/TEST_API_URL/)
    expect(SECRETS.filter((secret) => message.includes(secret))).toEqual([])
  })
})

describe('EvmRpcClient, with credentials in its URLs', () => {
  let proxy: FaultProxy

  beforeAll(async () => {
    proxy = await startFaultProxy(localChainUrl('A'))
  })
  afterAll(() => proxy.close())

  const settings = (urls: string[]) =>
    resolveEvmNetwork('local', 'network', { LOCAL_RPC_URL: urls.join(','), LOCAL_RPC_CHAIN_ID: '31337' })

  it('sends user:password as HTTP Basic and keeps the query', async () => {
    const read = await new EvmRpcClient(settings([withSecrets(proxy.url)]), { timeoutMs: 5_000 }).pin(0)
    expect(read.block.number).toBeGreaterThanOrEqual(0n)
    expect(proxy.requestPaths.at(-1)).toBe(`/?apikey=${QUERY_SECRET}`)
    expect(proxy.requestHeaders.at(-1)?.authorization).toBe(BASIC)
  })

  it('names the URLs that failed without their credentials or query', async () => {
    const urls = [withSecrets(await deadUrl()), `${withSecrets(await deadUrl())}&x=1`]
    const message = await failure(new EvmRpcClient(settings(urls), { timeoutMs: 2_000 }).pin(0))
    expect(message).toMatch(/LOCAL_RPC_URL #1 .*LOCAL_RPC_URL #2/)
    expect(SECRETS.filter((secret) => message.includes(secret))).toEqual([])
  })
})

describe('a URL list setting', () => {
  it('refuses, at start-up, an entry that is not an http(s) URL, by its position and without quoting it', () => {
    const setting = urlListSetting('test URLs')
    expect(setting.validate.fn(`https://a.example,${withSecrets('ftp://b.example')}`)).toBe(
      'entry 2 is not an http(s) URL',
    )
    expect(setting.validate.fn(`${withSecrets('https://a.example/v1')}, http://b.example`)).toBeUndefined()
  })
})
