import { ProviderClient } from '#common/provider-client'
import { EsploraApi } from '../../src/provider/esplora'
import { readReserves } from '../../src/provider/reserves'
import { EsploraSim, serveEsplora, type SimServerOptions } from '#devkit/simulators/esplora'
import { serveApi } from '#devkit/simulators/http-api'

const A = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
const B = 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3'
const OUTSIDER = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'

const clientFor = (urls: string[]) =>
  new ProviderClient({
    urls,
    timeoutMs: 2_000,
    retries: 1,
    backoffMs: 5,
    concurrency: 4,
    requestsPerSecond: 0,
    label: 'BITCOIN_MAINNET_ESPLORA_URL',
  })

/** Serves `sim`, reads `addresses` at `minConfirmations`, and stops the server. */
async function read(
  sim: EsploraSim,
  addresses: string[],
  minConfirmations: number,
  options: SimServerOptions = {},
) {
  const served = await serveEsplora(sim, options)
  try {
    const reserves = await readReserves(new EsploraApi(clientFor([served.url])), addresses, minConfirmations)
    return { ...reserves, requests: served.requests }
  } finally {
    await served.close()
  }
}

const total = async (sim: EsploraSim, addresses: string[], minConfirmations: number) =>
  (await read(sim, addresses, minConfirmations)).total

/** A ledger with 100 blocks where A holds 5 BTC confirmed long ago. */
function ledger(): { sim: EsploraSim; coin: string } {
  const sim = new EsploraSim()
  sim.mine(50)
  const coin = sim.fund(A, 500_000_000n)
  sim.mine(49)
  return { sim, coin }
}

describe('balance as of height H = tip − minConfirmations + 1', () => {
  it('reads the tip once and judges every address at the same H', async () => {
    const { sim } = ledger()
    const result = await read(sim, [A, B], 6)
    expect(result.tip).toBe(100)
    expect(result.height).toBe(95)
    expect(result.requests.filter((p) => p === '/blocks/tip/height')).toHaveLength(1)
    expect(result.balances).toEqual([
      { address: A, balance: 500_000_000n },
      { address: B, balance: 0n },
    ])
    expect(result.total).toBe(500_000_000n)
  })

  it('counts an incoming payment from exactly minConfirmations confirmations on', async () => {
    const { sim } = ledger()
    sim.fund(B, 70_000n) // 1 confirmation
    for (let confirmations = 1; confirmations < 6; confirmations++) {
      expect(await total(sim, [B], 6)).toBe(0n)
      sim.mine()
    }
    // now exactly 6 confirmations
    expect(await total(sim, [B], 6)).toBe(70_000n)
  })

  it('does not count an unconfirmed payment, except with minConfirmations = 0', async () => {
    const { sim } = ledger()
    sim.send([], [{ address: B, value: 1_000n }])
    expect(await total(sim, [B], 1)).toBe(0n)
    expect(await total(sim, [B], 0)).toBe(1_000n)
  })

  it('still counts an output spent by a mempool transaction', async () => {
    const { sim, coin } = ledger()
    sim.send([{ txid: coin, vout: 0 }], [{ address: OUTSIDER, value: 499_990_000n }])
    expect(await total(sim, [A], 6)).toBe(500_000_000n)
    expect(await total(sim, [A], 1)).toBe(500_000_000n)
    // minConfirmations = 0 is the current balance: the spend is already gone.
    expect(await total(sim, [A], 0)).toBe(0n)
  })

  it('still counts an output spent by a transaction confirmed above H, until H reaches it', async () => {
    const { sim, coin } = ledger()
    const spend = sim.send([{ txid: coin, vout: 0 }], [{ address: OUTSIDER, value: 499_990_000n }])
    sim.confirm(spend)
    sim.mine(4) // 5 confirmations
    expect(await total(sim, [A], 6)).toBe(500_000_000n)
    sim.mine() // 6 confirmations
    expect(await total(sim, [A], 6)).toBe(0n)
  })

  it('never dips while coins move between two custodian addresses', async () => {
    const { sim, coin } = ledger()
    const fee = 10_000n
    const before = await total(sim, [A, B], 6)
    const transfer = sim.send([{ txid: coin, vout: 0 }], [{ address: B, value: 500_000_000n - fee }])
    const seen: bigint[] = [await total(sim, [A, B], 6)] // in the mempool
    sim.confirm(transfer)
    for (let confirmations = 1; confirmations <= 7; confirmations++) {
      seen.push(await total(sim, [A, B], 6))
      sim.mine()
    }
    // Unchanged until the transfer has 6 confirmations, then less only by the fee, at once.
    expect(seen).toEqual([before, before, before, before, before, before, before - fee, before - fee])
  })

  it('pages back through more than 25 recent transactions', async () => {
    const { sim } = ledger()
    for (let i = 0; i < 60; i++) sim.fund(B, 1_000n) // 60 blocks, one payment each
    const result = await read(sim, [B], 30)
    // payments in blocks 101..160, tip 160, H = 131: the 31 payments at or below H count
    expect(result.height).toBe(131)
    expect(result.total).toBe(31_000n)
    expect(
      result.requests.filter((p) => p.startsWith(`/address/${B}/txs/chain/`)).length,
    ).toBeGreaterThanOrEqual(1)
  })

  it('stays consistent when a block lands between reading totals and history', async () => {
    const { sim, coin } = ledger()
    const spend = sim.send([{ txid: coin, vout: 0 }], [{ address: B, value: 499_990_000n }])
    let mined = false
    const result = await read(sim, [A, B], 6, {
      fault: (path) => {
        // the first history read of A: the spend is mined just before it is answered
        if (!mined && path === `/address/${A}/txs/chain`) {
          sim.confirm(spend)
          mined = true
        }
        return undefined
      },
    })
    expect(mined).toBe(true)
    expect(result.height).toBe(95)
    expect(result.total).toBe(500_000_000n)
  })

  it('refuses a depth deeper than the chain', async () => {
    const { sim } = ledger()
    await expect(read(sim, [A], 102)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/minConfirmations 102/),
    })
    expect((await read(sim, [A], 101)).height).toBe(0)
  })
})

describe('provider failures', () => {
  it('fails the whole read, naming the address, when one address cannot be read', async () => {
    const { sim } = ledger()
    await expect(
      read(sim, [A, B], 6, { fault: (path) => (path.includes(B) ? 500 : undefined) }),
    ).rejects.toMatchObject({
      statusCode: 502,
      message: expect.stringContaining(B),
    })
  })

  it('retries 429 and 5xx answers', async () => {
    const { sim } = ledger()
    const seen = new Map<string, number>()
    const result = await read(sim, [A], 6, {
      fault: (path) => {
        const n = (seen.get(path) ?? 0) + 1
        seen.set(path, n)
        return n === 1 ? (path.includes('txs') ? 503 : 429) : undefined
      },
    })
    expect(result.total).toBe(500_000_000n)
  })

  it('fails over to the next URL when the first keeps failing', async () => {
    const { sim } = ledger()
    const down = await serveEsplora(sim, { fault: () => 503 })
    const up = await serveEsplora(sim)
    try {
      const reserves = await readReserves(new EsploraApi(clientFor([down.url, up.url])), [A], 6)
      expect(reserves.total).toBe(500_000_000n)
      // the first attempt and one retry of the first request, then the client stays on the mirror
      expect(down.requests).toEqual(['/blocks/tip/height', '/blocks/tip/height'])
    } finally {
      await Promise.all([down.close(), up.close()])
    }
  })

  it('does not retry or fail over on a definitive 4xx', async () => {
    const { sim } = ledger()
    const bad = await serveEsplora(sim, { fault: (path) => (path.startsWith('/address') ? 400 : undefined) })
    const good = await serveEsplora(sim)
    try {
      await expect(
        readReserves(new EsploraApi(clientFor([bad.url, good.url])), [A], 6),
      ).rejects.toMatchObject({
        statusCode: 502,
        message: expect.stringContaining(`${A}:`),
      })
      expect(good.requests.filter((p) => p.startsWith('/address'))).toEqual([])
    } finally {
      await Promise.all([bad.close(), good.close()])
    }
  })
})

describe('figures that cannot be true', () => {
  /** 21,000,000 BTC in satoshis: no balance, and no sum of distinct addresses, can be more. */
  const SUPPLY = 2_100_000_000_000_000n

  it('refuses a balance above the 21 million BTC that can ever exist, naming it', async () => {
    const sim = new EsploraSim()
    sim.fund(A, SUPPLY + 1n)
    sim.mine(10)
    await expect(read(sim, [A], 6)).rejects.toMatchObject({
      statusCode: 502,
      message: expect.stringContaining(`${A}: balance ${SUPPLY + 1n} satoshis`),
    })
  })

  it('refuses a total above the supply, though each balance is below it', async () => {
    const sim = new EsploraSim()
    sim.fund(A, SUPPLY / 2n + 1n)
    sim.fund(B, SUPPLY / 2n)
    sim.mine(10)
    await expect(read(sim, [A, B], 6)).rejects.toMatchObject({
      statusCode: 502,
      message: expect.stringContaining(`total ${SUPPLY + 1n} satoshis`),
    })
  })

  it('takes the whole supply at one address', async () => {
    const sim = new EsploraSim()
    sim.fund(A, SUPPLY)
    sim.mine(10)
    expect(await total(sim, [A], 6)).toBe(SUPPLY)
  })

  it.each(['9007199254740993', '18446744073709551616'])(
    'refuses a tip height of %s (above 2^53: not an exact integer in JSON), naming it',
    async (height) => {
      const api = await serveApi((path) => (path === '/blocks/tip/height' ? { body: height } : undefined))
      try {
        await expect(new EsploraApi(clientFor([api.url])).tipHeight()).rejects.toMatchObject({
          statusCode: 502,
          message: expect.stringContaining(height),
        })
      } finally {
        await api.close()
      }
    },
  )
})
