import { jest } from '@jest/globals'
import { isFinalFailure } from '#common/errors'
import { ProviderClient } from '#common/provider-client'
import { tipFreshness } from '../../src/config'
import { EsploraApi } from '../../src/provider/esplora'
import { readReserves } from '../../src/provider/reserves'
import { EsploraSim, serveEsplora, type SimServerOptions } from '#devkit/simulators/esplora'
import { serveApi } from '#devkit/simulators/http-api'

const A = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
const B = 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3'
const OUTSIDER = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'

/** Mainnet's tip freshness limits, as the adapter applies them by default. */
const FRESH = tipFreshness('mainnet')

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
    const reserves = await readReserves(
      new EsploraApi(clientFor([served.url])),
      addresses,
      minConfirmations,
      FRESH,
    )
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
    // One tip, its hash and its block (for its time); with one URL, no tips to compare it with.
    expect(result.requests.filter((p) => p.startsWith('/block'))).toEqual([
      '/blocks/tip/hash',
      `/block/${result.tipHash}`,
    ])
    expect(result).toMatchObject({ tipHash: sim.blockHash(100), tipTimestamp: sim.blockTime(100) })
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

  it('reads down to the genesis block, the deepest height there is', async () => {
    const { sim } = ledger()
    expect((await read(sim, [A], 101)).height).toBe(0)
  })

  it("answers a chain shorter than minConfirmations as the provider's fault (502, asked again), not the request's", async () => {
    // A provider still syncing (or a fresh node) reports tip 0: 6 confirmations is a valid request.
    for (const tip of [0, 100]) {
      const sim = new EsploraSim()
      sim.mine(tip)
      const failure = await read(sim, [A], tip + 2).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toMatchObject({
        statusCode: 502,
        message: expect.stringMatching(
          new RegExp(
            `^BITCOIN_MAINNET_ESPLORA_URL #1 \\(127\\.0\\.0\\.1:\\d+\\) is at height ${tip}: ${tip + 1} blocks, fewer than minConfirmations ${tip + 2}`,
          ),
        ),
      })
      expect(isFinalFailure(failure)).toBe(false)
    }
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
      const reserves = await readReserves(new EsploraApi(clientFor([down.url, up.url])), [A], 6, FRESH)
      expect(reserves.total).toBe(500_000_000n)
      // Its tip height (for comparison) and the tip hash, each tried and retried once; then the
      // client stays on the mirror.
      expect(down.requests.sort()).toEqual([
        '/blocks/tip/hash',
        '/blocks/tip/hash',
        '/blocks/tip/height',
        '/blocks/tip/height',
      ])
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
        readReserves(new EsploraApi(clientFor([bad.url, good.url])), [A], 6, FRESH),
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

describe('one chain state, whichever provider serves an address', () => {
  /**
   * `primary` answers the tip (and its blocks) but fails every address read with a 503;
   * `second` is the next URL of the list. Reads `addresses` through both.
   */
  async function readFailingOver(
    primary: EsploraSim,
    second: EsploraSim,
    addresses: string[],
    minConfirmations: number,
    secondOptions: SimServerOptions = {},
  ) {
    const first = await serveEsplora(primary, {
      fault: (path) => (path.startsWith('/address/') ? 503 : undefined),
    })
    const next = await serveEsplora(second, secondOptions)
    const hosts = [first, next].map((server) => new URL(server.url).host)
    try {
      const reserves = await readReserves(
        new EsploraApi(clientFor([first.url, next.url])),
        addresses,
        minConfirmations,
        FRESH,
      ).catch((error: unknown) => error as Error)
      return { reserves, hosts, nextRequests: next.requests }
    } finally {
      await Promise.all([first.close(), next.close()])
    }
  }

  it('refuses balances from a second provider that is behind the height: 502 naming both', async () => {
    const { sim: primary } = ledger() // tip 100: A has held 5 BTC since block 51
    const lagging = new EsploraSim() // the same chain, 60 blocks behind: A not funded yet
    lagging.mine(40)
    const { reserves, hosts } = await readFailingOver(primary, lagging, [A], 6)
    expect(reserves).toMatchObject({
      statusCode: 502,
      message: expect.stringContaining(`${A}: no provider could serve height 95`),
    })
    const message = (reserves as Error).message
    expect(message).toContain(`the tip 100 of BITCOIN_MAINNET_ESPLORA_URL #1 (${hosts[0]})`)
    expect(message).toContain(`#2 (${hosts[1]}) is at height 40, below 95`)
  })

  it('refuses a second provider on another branch at the height: 502 naming both', async () => {
    const { sim: primary } = ledger()
    const forked = new EsploraSim()
    forked.mine(50)
    forked.fund(A, 500_000_000n)
    forked.mine(38) // tip 89; from there on, another chain than the primary's
    forked.branch('fork')
    forked.mine(11)
    const { reserves, hosts } = await readFailingOver(primary, forked, [A], 6)
    expect(reserves).toMatchObject({ statusCode: 502 })
    expect((reserves as Error).message).toContain(
      `#2 (${hosts[1]}) holds block ${forked.blockHash(95)} at height 95, not ${primary.blockHash(95)} as #1 (${hosts[0]}) does`,
    )
  })

  it('serves an address from a second provider that holds the same block at the height', async () => {
    const { sim: primary } = ledger()
    const { sim: replica } = ledger()
    replica.mine(2) // ahead of the primary: it holds block 95 all the same
    const { reserves, nextRequests } = await readFailingOver(primary, replica, [A, B], 6)
    expect(reserves).toMatchObject({ tip: 100, height: 95, total: 500_000_000n })
    // Asked for its tip once to compare tips, once when it is proven, and for its block at the
    // height once, whatever the number of addresses.
    expect(nextRequests.filter((p) => p === '/blocks/tip/height')).toHaveLength(2)
    expect(nextRequests.filter((p) => p.startsWith('/block-height/'))).toEqual(['/block-height/95'])
  })

  it("judges a block landing on the second provider by that provider's own tip", async () => {
    const { sim: primary } = ledger() // tip 100, H = 95
    const replica = new EsploraSim() // the same chain at tip 97: it holds H
    replica.mine(50)
    replica.fund(A, 500_000_000n)
    replica.mine(46)
    let landed = false
    const { reserves } = await readFailingOver(primary, replica, [A], 6, {
      fault: (path) => {
        // Block 98, paying A, lands between A's totals and A's history on the replica.
        if (!landed && path === `/address/${A}/txs/chain`) {
          replica.fund(A, 1_000n)
          landed = true
        }
        return undefined
      },
    })
    expect(landed).toBe(true)
    // Not 5 BTC − 1,000: the payment above the replica's tip is not in the totals first read.
    expect(reserves).toMatchObject({ height: 95, total: 500_000_000n })
  })
})

describe('a fresh tip only', () => {
  /** The clock, held (seconds since the epoch). */
  let nowSeconds: number
  beforeEach(() => {
    nowSeconds = Math.floor(Date.now() / 1000)
    jest.spyOn(Date, 'now').mockImplementation(() => nowSeconds * 1000)
  })
  afterEach(() => jest.restoreAllMocks())

  /** The first ledger's chain, `blocks` long, its blocks made `ageSeconds` before the clock. */
  function chain(blocks: number, ageSeconds = 0): EsploraSim {
    const sim = new EsploraSim({ now: () => nowSeconds - ageSeconds })
    sim.mine(50)
    sim.fund(A, 500_000_000n)
    sim.mine(blocks - 51)
    return sim
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as Error & { statusCode: number },
    )

  it('refuses a tip older than BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS by the clock, naming the block and its age', async () => {
    const stuck = chain(100, 3 * 3600) // a provider whose tip is 3 hours old
    expect((await read(stuck, [A], 6)).total).toBe(500_000_000n)
    nowSeconds += 1
    const error = await failure(read(stuck, [A], 6))
    const made = new Date(stuck.blockTime(100) * 1000).toISOString()
    expect(error).toMatchObject({
      statusCode: 502,
      message: expect.stringMatching(
        new RegExp(
          `^no BITCOIN_MAINNET_ESPLORA_URL provider has a fresh tip \\(#1 \\(127\\.0\\.0\\.1:\\d+\\): its tip, block 100 of ${made.replace(/\./g, '\\.')}, is 10801 s old, more than BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS \\(10800\\)\\)$`,
        ),
      ),
    })
    expect(isFinalFailure(error)).toBe(false)
  })

  it('reads at a tip of any age when the age limit is 0 (regtest, which mines on demand)', async () => {
    const idle = chain(100, 30 * 86_400)
    const served = await serveEsplora(idle)
    try {
      const reserves = await readReserves(
        new EsploraApi(clientFor([served.url])),
        [A],
        6,
        tipFreshness('regtest'),
      )
      expect(reserves).toMatchObject({ tip: 100, tipTimestamp: idle.blockTime(100), total: 500_000_000n })
    } finally {
      await served.close()
    }
  })

  it('passes over a first provider more than 2 blocks behind another, and reads at the fresh one', async () => {
    const stuck = chain(90) // stopped at block 90
    const fresh = chain(90)
    fresh.fund(B, 70_000n) // block 91
    fresh.mine(9) // tip 100: H = 95 holds B's payment, which block 90 has not yet
    const [first, second] = await Promise.all([serveEsplora(stuck), serveEsplora(fresh)])
    try {
      const reserves = await readReserves(
        new EsploraApi(clientFor([first.url, second.url])),
        [A, B],
        6,
        FRESH,
      )
      expect(reserves).toMatchObject({
        tip: 100,
        height: 95,
        tipHash: fresh.blockHash(100),
        total: 500_070_000n,
      })
      // The stuck one gave its tip and its tip block, and was read no further.
      expect(first.requests.filter((p) => p.startsWith('/address'))).toEqual([])
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })

  it('answers 502 naming each provider and why when none has a fresh tip', async () => {
    const lagging = chain(97)
    const old = chain(100, 4 * 3600)
    const [first, second] = await Promise.all([serveEsplora(lagging), serveEsplora(old)])
    const [one, two] = [first, second].map((server) => new URL(server.url).host)
    try {
      const error = await failure(
        readReserves(new EsploraApi(clientFor([first.url, second.url])), [A], 6, FRESH),
      )
      expect(error?.statusCode).toBe(502)
      expect(error?.message).toMatch(/^no BITCOIN_MAINNET_ESPLORA_URL provider has a fresh tip \(/)
      expect(error?.message).toContain(
        `#1 (${one}): its tip, block 97, is 3 blocks behind another URL's (100), more than BITCOIN_MAINNET_ESPLORA_MAX_LAG_BLOCKS (2)`,
      )
      expect(error?.message).toContain(`#2 (${two}): its tip, block 100 of `)
      expect(error?.message).toContain(
        'is 14400 s old, more than BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS (10800)',
      )
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })

  it('compares with the tips that answer: a URL that does not is left out', async () => {
    const fresh = chain(100)
    const served = await serveEsplora(fresh)
    const down = await serveEsplora(fresh, { fault: () => 503 })
    try {
      const reserves = await readReserves(new EsploraApi(clientFor([served.url, down.url])), [A], 6, FRESH)
      expect(reserves).toMatchObject({ tip: 100, total: 500_000_000n })
      expect(down.requests).toEqual(['/blocks/tip/height', '/blocks/tip/height'])
    } finally {
      await Promise.all([served.close(), down.close()])
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

  it.each([
    [
      'another block',
      (_hash: string) => `{"id":"${'0'.repeat(64)}","height":100,"timestamp":1700000000}`,
      'the provider answered block',
    ],
    [
      'a timestamp in a string',
      (hash: string) => `{"id":"${hash}","height":100,"timestamp":"1700000000"}`,
      'timestamp is not a non-negative integer',
    ],
    [
      'no height',
      (hash: string) => `{"id":"${hash}","timestamp":1700000000}`,
      'height is not a non-negative integer',
    ],
  ])('refuses a tip block that gives %s, naming it', async (_label, body, message) => {
    const hash = 'ab'.repeat(32)
    const api = await serveApi((path) =>
      path === '/blocks/tip/hash'
        ? { body: hash }
        : path === `/block/${hash}`
          ? { body: body(hash) }
          : undefined,
    )
    try {
      await expect(readReserves(new EsploraApi(clientFor([api.url])), [A], 6, FRESH)).rejects.toMatchObject({
        statusCode: 502,
        message: expect.stringContaining(message),
      })
    } finally {
      await api.close()
    }
  })

  it.each(['9007199254740993', '18446744073709551616'])(
    'refuses a tip height of %s (above 2^53: not an exact integer in JSON), naming it',
    async (height) => {
      const api = await serveApi((path) => (path === '/blocks/tip/height' ? { body: height } : undefined))
      try {
        await expect(new EsploraApi(clientFor([api.url])).tip()).rejects.toMatchObject({
          statusCode: 502,
          message: expect.stringContaining(height),
        })
      } finally {
        await api.close()
      }
    },
  )
})
