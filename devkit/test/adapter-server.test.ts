import { makeAdapter } from '#adapters/btc-balance/src/index'
import { askUntilComputed, startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'

const ADDRESS = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'

describe("an adapter's real server, asked like a node's bridge", () => {
  let esplora: Awaited<ReturnType<typeof serveEsplora>>
  let server: AdapterServer

  beforeAll(async () => {
    const sim = new EsploraSim()
    sim.fund(ADDRESS, 123_456_789n)
    sim.mine(10)
    esplora = await serveEsplora(sim)
    server = await startAdapterServer(makeAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: esplora.url,
      BACKGROUND_EXECUTE_MS_HTTP: '20',
    })
  })
  afterAll(async () => {
    await server.close()
    await esplora.close()
  })

  it('answers a bridge request ({ id, data, meta }) with the figure once it is computed', async () => {
    const data = { addresses: [{ address: ADDRESS, network: 'bitcoin', chainId: 'mainnet' }] }
    const answer = await askUntilComputed(() => server.bridge(data, { metrics: { feedId: 'BTC-PoR' } }))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ result: '123456789', data: { result: '123456789', decimals: 8 } })
  })

  it('answers 404 naming an endpoint it does not have', async () => {
    const answer = await server.bridge({ endpoint: 'no-such-endpoint' })
    expect(answer.status).toBe(404)
    expect(answer.body).toMatchObject({
      error: { message: 'Adapter does not have a "no-such-endpoint" endpoint.' },
    })
  })

  it('answers 400 to a body that is not JSON', async () => {
    const answer = await server.post('{"id": 1, "data": ')
    expect(answer.status).toBe(400)
    expect(answer.text).toContain('Body is not valid JSON')
  })
})
