/**
 * `npm run demo`, run as a user runs it (a child process, its own hardhat node, `--json` on stdout), and the
 * facts its summary reports: every step done, the figures exact, the pause made by the log-trigger upkeep
 * through the registry in the block after the feed update, nothing paused by the inside move, the refused
 * mint and unpause, the unpause through the guard.
 */
import { runDemo } from './cli-process'
import type { OvermintSummary } from './scenarios/overmint'
import type { DemoSummary, StepSummary } from './summary'

/** The demo run with `args` and `--json`: its summary, once it exited 0, and its narration. */
async function demoSummary<Summary = DemoSummary>(
  args: string[],
): Promise<{ summary: Summary; narration: string }> {
  const run = await runDemo([...args, '--json'])
  // The narration says which step failed, and why.
  expect({ code: run.code, narration: run.code === 0 ? '' : run.stderr }).toEqual({
    code: 0,
    narration: '',
  })
  return { summary: JSON.parse(run.stdout) as Summary, narration: run.stderr }
}

const btc = (text: string) => expect.objectContaining({ text, decimals: 8, symbol: 'BTC' })

describe('npm run demo', () => {
  let summary: DemoSummary
  let narration: string
  const step = (n: number): StepSummary => summary.steps[n - 1]

  beforeAll(async () => {
    ;({ summary, narration } = await demoSummary([]))
  }, 300_000)

  it('does every step as described, and narrates them on stderr', () => {
    expect(summary.ok).toBe(true)
    expect(summary.steps.map((s) => [s.step, s.outcome])).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, 'ok']),
    )
    for (const s of summary.steps) expect(narration).toContain(`[${s.step}/10] ${s.title}`)
    expect(narration).toContain('Every step happened as described')
  })

  it('names what stands in for the oracle network, the Automation DON and Esplora', () => {
    expect(Object.values(summary.parts.standIns).join('\n')).toMatch(/feed updater/)
    expect(Object.keys(summary.parts.standIns)).toEqual(
      expect.arrayContaining([
        'oracle network (OCR2 median job on many nodes)',
        'Automation DON',
        'Esplora (Blockstream, mempool.space)',
      ]),
    )
  })

  it('wires the feed proxy, the token, the guard and both upkeeps', () => {
    expect(summary.chain?.chainId).toBe(31337)
    const contracts = summary.contracts!
    expect(Object.keys(contracts).sort()).toEqual(
      ['aggregator', 'feedProxy', 'guard', 'link', 'porAddressList', 'registrar', 'registry', 'token'].sort(),
    )
    expect(summary.upkeeps!.log.listensTo).toBe(contracts.aggregator)
    expect(summary.upkeeps!.conditional.id).not.toBe(summary.upkeeps!.log.id)
    expect(step(2).facts.forwardersAllowed).toBe(true)
  })

  it("reads the custodian's five addresses from the chain and their 100 BTC from the ledger", () => {
    expect(summary.custodian.addresses.map((a) => a.kind)).toEqual([
      'p2wpkh',
      'p2wsh',
      'p2tr',
      'p2pkh',
      'p2sh',
    ])
    expect(summary.custodian.chainId).toBe('regtest')
    expect(step(3).facts).toMatchObject({ addresses: 5, observedReserves: btc('100') })
  })

  it('publishes on deviation only: the first report, the shortfall and the restored reserves', () => {
    expect(summary.feedUpdates.map((u) => [u.step, u.answer.text])).toEqual([
      [4, '100'],
      [9, '84.99996'],
      [10, '99.99994'],
    ])
    expect(step(4).after).toMatchObject({ feedReserves: btc('100'), paused: false })
  })

  it('mints within the reserves, and the token refuses one unit more', () => {
    expect(step(6).facts.mintPastReserves).toMatchObject({ name: 'MintNotBacked' })
    expect(step(6).after).toMatchObject({ supply: { text: '90' }, ratioPercent: '111.11', paused: false })
  })

  it('moves coins inside the custodian without a feed update or a pause', () => {
    expect(step(7).facts).toMatchObject({
      rounds: [
        { observed: btc('100'), updated: false, deviationPercent: '0' },
        { observed: btc('99.99998'), updated: false, deviationPercent: '0.00002' },
      ],
      paused: false,
      performs: 0,
    })
    expect(step(7).gasUsed).toBeUndefined() // no transaction but the empty block the runner checks
    expect(step(7).after).toMatchObject({ feedReserves: btc('100'), paused: false })
  })

  it('pauses through the log-trigger upkeep in the block after the feed update', () => {
    expect(step(8).facts.custodianHolds).toEqual(btc('84.99996'))
    expect(step(8).after).toMatchObject({ paused: false }) // nothing knows before the feed does
    const update = summary.feedUpdates.find((u) => u.step === 9)!
    expect(summary.pause).toMatchObject({
      feedUpdateBlock: update.block,
      pauseBlock: update.block + 1,
      blocksAfterFeedUpdate: 1,
      upkeepId: summary.upkeeps!.log.id,
      trigger: 'log',
      reason: 'InsufficientReserves',
    })
    expect(BigInt(summary.pause!.performGasUsed!)).toBeGreaterThan(0n)
    expect(step(9).facts.pausedOperations).toBe(3) // mint and redeem; burning stays open
    expect(step(9).after).toMatchObject({
      feedReserves: btc('84.99996'),
      ratioPercent: '94.44',
      paused: true,
    })
  })

  it('refuses a mint and an early unpause, then unpauses through the guard once the feed is restored', () => {
    expect(step(10).facts).toMatchObject({
      mintWhilePaused: { name: 'OperationPaused', args: ['1'] },
      unpauseWhileShort: { name: 'AssetNotBacked' },
    })
    expect(step(10).after).toMatchObject({
      feedReserves: btc('99.99994'),
      supply: { text: '91' },
      paused: false,
    })
  })
})

describe('npm run demo -- --runtime cre', () => {
  let summary: DemoSummary
  const step = (n: number): StepSummary => summary.steps[n - 1]

  beforeAll(async () => {
    ;({ summary } = await demoSummary(['--runtime', 'cre']))
  }, 300_000)

  it('does the ten steps with the workflows: the feed is DataFeedsCache, reports go through KeystoneForwarder', () => {
    expect(summary).toMatchObject({ ok: true, runtime: 'cre' })
    expect(summary.steps.map((s) => s.outcome)).toEqual(Array(10).fill('ok'))
    expect(summary.contracts).toMatchObject({
      dataFeedsCache: expect.stringMatching(/^0x/),
      forwarder: expect.stringMatching(/^0x/),
    })
    expect(summary.upkeeps).toBeUndefined()
    expect(Object.keys(summary.workflows!)).toEqual(['por-feed', 'reserve-guard'])
    expect(summary.workflows!['reserve-guard'].triggers.join('; ')).toContain(
      `log from ${summary.contracts!.dataFeedsCache.toLowerCase()}`,
    )
  })

  it('writes on deviation only, and the reserve-guard workflow pauses in the block after the drop', () => {
    expect(summary.feedUpdates.map((u) => [u.step, u.answer.text])).toEqual([
      [4, '100'],
      [9, '84.99996'],
      [10, '99.99994'],
    ])
    expect(step(7).after).toMatchObject({ feedReserves: btc('100'), paused: false })
    const update = summary.feedUpdates.find((u) => u.step === 9)!
    expect(summary.pause).toMatchObject({
      feedUpdateBlock: update.block,
      pauseBlock: update.block + 1,
      blocksAfterFeedUpdate: 1,
      workflow: 'reserve-guard',
      reason: 'InsufficientReserves',
    })
    expect(step(9).after).toMatchObject({ feedReserves: btc('84.99996'), paused: true })
    expect(step(10).after).toMatchObject({ feedReserves: btc('99.99994'), paused: false })
  })
})

describe('npm run demo -- --scenario overmint', () => {
  let summary: OvermintSummary

  beforeAll(async () => {
    ;({ summary } = await demoSummary<OvermintSummary>(['--scenario', 'overmint']))
  }, 300_000)

  it('happens as described, every step', () => {
    expect(summary).toMatchObject({ scenario: 'overmint', ok: true })
    expect(summary.steps.map((s) => s.outcome)).toEqual(Array(9).fill('ok'))
    expect(summary.overmint.tokens).toBe('300000000000000')
  })

  it("is refused by SecureMintToken and by ACE's SecureMintPolicy", () => {
    expect(summary.steps[2].facts.refusal).toMatchObject({ name: 'MintNotBacked' })
    expect(summary.steps[3].facts.outcome).toBe('refused: mint would exceed available reserves')
  })

  it('goes through on the token without a mint gate, which the mint-log upkeep pauses in the next block', () => {
    expect(summary.pause).toMatchObject({ blocks: 1, reason: 'InsufficientReserves' })
    expect(summary.pause!.pauseBlock).toBe(summary.pause!.mintBlock + 1)
    expect(summary.steps[5].facts.viaRegistry).toBe(true)
    expect(summary.holder!.between.actions).toEqual({
      'transfer to anyone (an exchange, a lending market)': 'ok',
      'mint more': 'ok',
      'burn the mistake': 'ok',
    })
    expect(summary.holder!.afterPause.actions).toEqual({
      'transfer to anyone (an exchange, a lending market)': 'EnforcedPause',
      'mint more': 'EnforcedPause',
      'burn the mistake': 'ok',
    })
    expect(summary.steps[8].facts.unpauseWhileShort).toMatchObject({ name: 'AssetNotBacked' })
  })

  it('is reported by the secure-mint adapter over HTTP, its supply read at the mint’s block, its reserve attested', () => {
    const budget = summary.steps[7]
    const mintBlock = summary.pause!.mintBlock
    expect(budget.block).toBe(mintBlock)
    expect(budget.facts).toMatchObject({
      overmint: true,
      mintable: '0',
      mintables: { '31337': { mintable: '0', block: mintBlock } },
      blockNumber: mintBlock,
      // 300,000,900,000,000 USDX and $1,000,000,000, at the token's 6 decimals.
      supply: '300000900000000000000',
      reserve: '1000000000000000',
      reserveSource: ['attestation'],
      // The USDX feed's answer at 8 decimals: the same reserve.
      feedAnswer: '100000000000000000',
    })
    expect(budget.facts.request).toMatchObject({
      supplyChains: [{ confirmations: summary.pause!.pauseBlock - mintBlock }],
    })
  })
})

describe('npm run demo usage', () => {
  it('refuses an unknown scenario with exit code 2, starting nothing', async () => {
    const run = await runDemo(['--scenario', 'undermint'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('unknown scenario undermint: the scenarios are ')
    expect(run.stderr).toContain(', overmint')
    expect(run.stdout).toBe('')
  })

  it('refuses the over-mint scenario on the CRE runtime with exit code 2, starting nothing', async () => {
    const run = await runDemo(['--runtime', 'cre', '--scenario', 'overmint'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--scenario overmint runs on Automation 2.3 only')
    expect(run.stdout).toBe('')
  })

  it('refuses unknown arguments with exit code 2 and the usage, starting nothing', async () => {
    const run = await runDemo(['--jsn'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('unknown argument: --jsn')
    expect(run.stderr).toContain('Usage: npm run demo')
    expect(run.stdout).toBe('')
  })
})
