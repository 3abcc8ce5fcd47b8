import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  alertRulesDoc,
  cell,
  checkDocs,
  documentedAlertRules,
  freshnessPart,
  operatorsDoc,
  gasPart,
  gasSetups,
  loadPart,
  render,
  writeDocs,
  type GeneratedDoc,
} from '#devkit/docs'

const GAS = {
  checkUpkeep: { '1': 52884, '10': 308090, '50': 1450441, '64': 2_650_001 },
  performUpkeep: { '1': 67565, '5': 238183 },
  checkUpkeepAllShort: { '50': 1619866 },
}

describe('the gas table', () => {
  it('shows each measurement with its figures per asset, rounded to the nearest gas, and its ceiling', () => {
    const rows = gasPart(GAS).split('\n')
    expect(rows[0]).toBe('| measurement | gas | per asset | per asset beyond the 21,000 base | ceiling |')
    expect(rows.slice(2)).toEqual([
      '| checkUpkeep, 1 asset, all backed | 52,884 | 52,884 | 31,884 |  |',
      '| checkUpkeep, 10 assets, all backed | 308,090 | 30,809 | 28,709 |  |',
      // 1,450,441 / 50 = 29,008.82; 1,429,441 / 50 = 28,588.82
      '| checkUpkeep, 50 assets, all backed | 1,450,441 | 29,009 | 28,589 |  |',
      // 2,650,001 / 64 = 41,406.27; 2,629,001 / 64 = 41,078.14
      '| checkUpkeep, 64 assets, all backed | 2,650,001 | 41,406 | 41,078 | 64 assets ≤ 3,000,000: met |',
      '| checkUpkeep, 50 assets, all short | 1,619,866 | 32,397 | 31,977 | < 5,000,000 (check limit): met |',
      '| performUpkeep, pausing 1 asset | 67,565 | 67,565 | 46,565 | ≤ 150,000, base included: met |',
      // 238,183 / 5 = 47,636.6; 217,183 / 5 = 43,436.6
      '| performUpkeep, pausing 5 assets | 238,183 | 47,637 | 43,437 |  |',
    ])
  })

  it('says when a figure is over its ceiling, and that the ceiling itself is met', () => {
    const part = gasPart({ checkUpkeep: { '64': 3_000_001 }, performUpkeep: { '1': 150_001 } })
    expect(part).toContain('| 64 assets ≤ 3,000,000: **missed** |')
    expect(part).toContain('| ≤ 150,000, base included: **missed** |')
    const exactly = gasPart({ checkUpkeep: { '64': 3_000_000 }, performUpkeep: { '1': 150_000 } })
    expect(exactly).toContain('| 64 assets ≤ 3,000,000: met |')
    expect(exactly).toContain('| ≤ 150,000, base included: met |')
  })

  it('gives a set-up of its own (a top-level object of measurements) its own table, under a caption', () => {
    const part = gasPart({ ...GAS, eacAggregatorProxy: { checkUpkeep: { '64': 3_200_000 } }, solc: '0.8.30' })
    const [first, second] = part.split(/\n\n(?=Set-up)/)
    expect(first).toMatch(/^Each asset reads its own `MockV3Aggregator` directly\.\n\n\| measurement/)
    expect(first).not.toContain('3,200,000')
    expect(second).toMatch(/^Set-up `eacAggregatorProxy`\.\n\n\| measurement/)
    expect(second).toContain(
      '| checkUpkeep, 64 assets, all backed | 3,200,000 | 50,000 | 49,672 | 64 assets ≤ 3,000,000: **missed** |',
    )
  })

  it("captions the bench's proxy set-up (bench/gas.ts writes it under `proxy`)", () => {
    const part = gasPart({ ...GAS, proxy: { performUpkeep: { '1': 173_435 } } })
    const [, second] = part.split(/\n\n(?=Each asset reads its own `MockV3Aggregator` through)/)
    expect(second).toMatch(/Chainlink's `EACAggregatorProxy`, the way every Data Feed .*\n\n\| measurement/)
    expect(second).toContain(
      '| performUpkeep, pausing 1 asset | 173,435 | 173,435 | 152,435 | ≤ 150,000, base included: **missed** |',
    )
  })

  it('shows a measurement it has no label for under its own name, without a target', () => {
    expect(gasPart({ checkUpkeepViaProxy: { '10': 400_000 } })).toContain(
      '| checkUpkeepViaProxy, 10 assets | 400,000 | 40,000 | 37,900 |  |',
    )
  })

  it('refuses figures it cannot read, naming them', () => {
    expect(() => gasSetups({ proxy: { checkUpkeep: { '1': 1.5 } } })).toThrow(
      '"proxy.checkUpkeep" is not a measurement',
    )
    expect(() => gasSetups({ proxy: { checkUpkeep: { one: 1 } } })).toThrow(
      '"proxy.checkUpkeep" is not a measurement',
    )
    expect(() => gasSetups([])).toThrow('not a JSON object')
  })
})

const figures = (requestsPerSecond: number, p99Ms: number) => ({
  requestsPerSecond,
  p50Ms: 4.25,
  p99Ms,
  requests: requestsPerSecond * 15,
  failed: 0,
  wrong: 0,
  rounds: [requestsPerSecond, requestsPerSecond, requestsPerSecond],
})
const LOAD = {
  machine: { cpus: 2, cpu: 'AMD EPYC', node: 'v24.21.0', loadAverage: 1.5, redis: '7.0.15' },
  load: {
    tool: 'autocannon',
    connections: 16,
    durationSeconds: 5,
    rounds: 3,
    warmupSeconds: 3,
    settings: 'defaults',
  },
  cached: {
    anchor: figures(2_000, 40),
    'btc-balance': figures(1_800, 48),
    'gold-vault': figures(1_799, 48.1),
  },
  redis: { anchor: figures(2_000, 40), 'btc-balance': figures(1_000, 20) },
  memory: {
    adapter: 'btc-balance',
    distinctRequests: 5_000,
    floodSeconds: 80.5,
    answers: { '200': 4_900, '504': 100 },
    wrong: 0,
    settings: { CACHE_MAX_AGE: '10000' },
    secondsAfterFlood: 25,
    rssMiB: { cold: 110, baseline: 140, peak: 300, afterIdle: 290, after: 154 },
    heapUsedMiB: { baseline: 25, after: 30 },
    retainedBytesPerRequest: 1_049,
    metricSeries: { baseline: 1_152, after: 6_152, gained: { http_requests_total: 5_000 } },
  },
  faults: {
    adapter: 'btc-balance',
    phases: [
      { phase: 'healthy', seconds: 5 },
      { phase: 'hanging', seconds: 8 },
    ],
    settings: { CACHE_MAX_AGE: '4000' },
    answers: 10_000,
    right: 9_000,
    wrong: 0,
    serverErrors: 1_000,
    other: 0,
    recoverySeconds: 1.5,
    failuresAfterRecovery: 0,
  },
}

describe('the load tables', () => {
  it('sets each adapter against the anchor of its set-up, with the goal met or missed', () => {
    const rows = loadPart(LOAD).split('\n')
    expect(rows).toContain('| anchor (framework) | one process | 2,000 |  | 4.3 | 40.0 |  | 0 / 0 |  |')
    // 1,800 / 2,000 = 0.9 and 48 / 40 = 1.2: both at the goal
    expect(rows).toContain(
      '| `btc-balance` | one process | 1,800 | 0.90× | 4.3 | 48.0 | 1.20× | 0 / 0 | met |',
    )
    // 1,799 / 2,000 = 0.8995, shown 0.90 but under 0.9
    expect(rows).toContain(
      '| `gold-vault` | one process | 1,799 | 0.90× | 4.3 | 48.1 | 1.20× | 0 / 0 | **missed** |',
    )
    expect(rows).toContain(
      '| `btc-balance` | 1 writer + 2 readers on Redis | 1,000 | 0.50× | 4.3 | 20.0 | 0.50× | 0 / 0 | **missed** |',
    )
  })

  it('shows memory after the flood against the baseline, and the run against a faulty provider', () => {
    const part = loadPart(LOAD)
    // 154 / 140 = 1.1
    expect(part).toContain('| RSS after ÷ baseline (both after a full GC) | 1.10× (goal ≤ 1.1×: met) |')
    expect(part).toContain('| the flood | 80.5 s: 4,900 × 200, 100 × 504; 0 wrong |')
    expect(part).toContain('| metric series | 1,152 → 6,152 (`http_requests_total` +5,000) |')
    expect(part).toContain('| phases | healthy 5 s → hanging 8 s |')
    expect(part).toContain('| answers | 10,000: 9,000 right, **0 wrong**, 1,000 5xx, 0 other |')
    const unrecovered = loadPart({ ...LOAD, faults: { ...LOAD.faults, recoverySeconds: null } })
    expect(unrecovered).toContain('| recovery | **no right answer after the provider came back** |')
    const grown = { ...LOAD.memory, rssMiB: { ...LOAD.memory.rssMiB, after: 154.1 } }
    expect(loadPart({ ...LOAD, memory: grown })).toContain('(goal ≤ 1.1×: **missed**)')
  })

  it('refuses figures it cannot read, naming the field', () => {
    expect(() => loadPart({ ...LOAD, redis: { 'btc-balance': figures(1, 1) } })).toThrow(
      'bench/results/load.json.redis: no "anchor" figures',
    )
    expect(() =>
      loadPart({ ...LOAD, cached: { ...LOAD.cached, anchor: { ...figures(1, 1), p99Ms: '40' } } }),
    ).toThrow('bench/results/load.json.cached.anchor.p99Ms: not a number')
    const { memory: _memory, ...noMemory } = LOAD
    expect(() => loadPart(noMemory)).toThrow('bench/results/load.json.memory: not an object')
  })
})

describe('table cells', () => {
  it('escapes pipes, and puts placeholders and setting names in code spans', () => {
    expect(cell('mainnet | testnet')).toBe('mainnet \\| testnet')
    expect(cell('reads <ATTESTATION_API_URL>/<client>.')).toBe('reads `<ATTESTATION_API_URL>/<client>`.')
    expect(cell('may only tighten ATTESTATION_MAX_AGE_SECONDS, never')).toBe(
      'may only tighten `ATTESTATION_MAX_AGE_SECONDS`, never',
    )
    expect(cell('a request reads `<url>/<client>` (a | b)')).toBe(
      'a request reads `<url>/<client>` (a \\| b)',
    )
    expect(cell('`a|b`')).toBe('`a\\|b`')
    expect(cell('ERC-20 and EIP-55, two\nlines')).toBe('ERC-20 and EIP-55, two lines')
  })
})

describe('writing and checking a generated part', () => {
  let dir: string
  let doc: GeneratedDoc
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docs-test-'))
    doc = { file: join(dir, 'README.md'), parts: { inputs: '| input |\n| --- |\n| `x` |' } }
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('rewrites only between the markers, and then finds the file up to date', async () => {
    writeFileSync(
      doc.file,
      '# x\n\nBefore.\n\n<!-- generated:inputs (npm run docs) -->\n\nstale\n\n<!-- /generated:inputs -->\n\nAfter.\n',
    )
    expect(await checkDocs([doc], dir)).toEqual([
      'README.md is out of date with the code it documents: run `npm run docs`',
    ])
    expect(await writeDocs([doc], dir)).toEqual(['README.md'])
    expect(readFileSync(doc.file, 'utf8')).toBe(
      '# x\n\nBefore.\n\n<!-- generated:inputs (npm run docs) -->\n\n| input |\n| ----- |\n| `x`   |\n\n<!-- /generated:inputs -->\n\nAfter.\n',
    )
    expect(await checkDocs([doc], dir)).toEqual([])
    expect(await writeDocs([doc], dir)).toEqual([])
  })

  it('names the file and the part when the markers are missing', async () => {
    writeFileSync(doc.file, '# x\n')
    await expect(render(doc, dir)).rejects.toThrow(
      'README.md has no generated "inputs" part: put <!-- generated:inputs (npm run docs) --> and <!-- /generated:inputs --> where it goes',
    )
    expect(await checkDocs([doc], dir)).toEqual([
      expect.stringContaining('README.md has no generated "inputs" part'),
    ])
  })
})

describe('a file generated whole (the Prometheus rules)', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'docs-test-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('is written when missing or changed by hand, formatted, and then found up to date', async () => {
    const doc: GeneratedDoc = { file: join(dir, 'alerts.rules.yml'), whole: 'groups:\n  -   name:   x\n' }
    expect(await checkDocs([doc], dir)).toEqual([
      'alerts.rules.yml is out of date with the code it documents: run `npm run docs`',
    ])
    expect(await writeDocs([doc], dir)).toEqual(['alerts.rules.yml'])
    expect(readFileSync(doc.file, 'utf8')).toBe('groups:\n  - name: x\n')
    writeFileSync(doc.file, 'groups:\n  - name: y\n')
    expect(await checkDocs([doc], dir)).toHaveLength(1)
    expect(await writeDocs([doc], dir)).toEqual(['alerts.rules.yml'])
    expect(await checkDocs([doc], dir)).toEqual([])
  })

  it('holds every documented alert, the operators’ guide each in a row', () => {
    const rules = alertRulesDoc(dir)
    const guide = operatorsDoc(dir)
    for (const rule of documentedAlertRules()) {
      expect(rules.whole).toContain(`- alert: ${rule.name}\n`)
      expect(guide.parts?.alerts).toContain(`| \`${rule.name}\``)
    }
  })
})

describe("the operator guide's EVM freshness defaults", () => {
  it('gives each known chain its block time and defaults, development chains no age limit, then any other chain', () => {
    const rows = freshnessPart().split('\n')
    expect(rows[0]).toBe(
      '| chain id | chain | block time | `<NETWORK>_RPC_MAX_HEAD_AGE_SECONDS` | `<NETWORK>_RPC_MAX_LAG_BLOCKS` |',
    )
    expect(rows).toContain('| `1` | Ethereum | 12 s | 72 s | 3 |')
    expect(rows).toContain('| `42161` | Arbitrum One | 0.25 s | 60 s | 120 |')
    expect(rows).toContain('| `31337` | Hardhat / Anvil (mines on demand) | on demand | no limit | 5 |')
    expect(rows.at(-1)).toBe('| any other |  | unknown | 300 s | 5 |')
  })
})
