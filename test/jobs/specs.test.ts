/**
 * Every bridge definition and job spec in jobs/, read the way the node reads them: JSON and TOML
 * through real parsers, each pipeline through the DOT parser of devkit/pipeline.ts. Every bridge
 * task must name a bridge defined in jobs/, and its request data must be a valid input of the
 * adapter endpoint it reaches, checked against that endpoint's own InputParameters (so renaming
 * an input breaks this test). Placeholders are exactly those jobs/README.md lists. The pipelines
 * are replayed against running adapters in replay.test.ts.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { adapterNames, loadAdapterModule } from '#devkit/adapters'
import { PoRAddressEndpoint } from '#common/por'
import {
  BRIDGE_NAME,
  goJson,
  jsonWithVarExprs,
  ocr2Vars,
  variablesIn,
  type PipelineValue,
  type Vars,
} from '#devkit/pipeline'
import {
  JOBS_DIR,
  checkRequestData,
  documentedPlaceholders,
  endpointFor,
  jobFolders,
  nodeChainId,
  placeholdersIn,
  type JobSpec,
} from './jobs'

const folders = jobFolders()
const specs = folders.flatMap((folder) => folder.jobs.map((job) => ({ folder, job })))
const bridgeNames = new Set(folders.map((f) => f.bridge.name))

/** What a node operator must fill in in every OCR2 job, and the placeholder standing for it. */
const OPERATOR_FIELDS: [string, (spec: Record<string, unknown>) => unknown, string | string[]][] = [
  ['contractID', (s) => s.contractID, '<OCR2_AGGREGATOR_ADDRESS>'],
  ['ocrKeyBundleID', (s) => s.ocrKeyBundleID, '<OCR2_KEY_BUNDLE_ID>'],
  ['transmitterID', (s) => s.transmitterID, '<TRANSMITTER_ADDRESS>'],
  ['p2pv2Bootstrappers', (s) => s.p2pv2Bootstrappers, ['<P2P_BOOTSTRAPPER>']],
]

it('jobs/ holds one folder per adapter, each with its bridge and, for an adapter answering a figure, at least one job spec, and a README', async () => {
  expect(folders.map((f) => f.adapter)).toEqual(adapterNames())
  for (const folder of folders) {
    // An address list is no figure a median job can report: a composite reads it (jobs/README.md).
    const { adapter } = await loadAdapterModule(folder.adapter)
    const endpoint = adapter.endpoints.find((e) => e.name === adapter.defaultEndpoint)
    const answersAList = endpoint instanceof PoRAddressEndpoint
    expect({ adapter: folder.adapter, jobs: folder.jobs.length > 0 }).toEqual({
      adapter: folder.adapter,
      jobs: !answersAList,
    })
  }
  expect(readdirSync(JOBS_DIR)).toContain('README.md')
})

describe.each(folders)('jobs/$adapter/bridge.json', (folder) => {
  it('is the JSON the node takes, with a name it accepts (stored lower-case) and the adapter’s name', () => {
    expect(Object.keys(folder.bridge).sort()).toEqual([
      'confirmations',
      'minimumContractPayment',
      'name',
      'url',
    ])
    expect(folder.bridge.name).toMatch(BRIDGE_NAME)
    expect(folder.bridge.name).toBe(folder.bridge.name.toLowerCase())
    expect(folder.bridge.name).toBe(folder.adapter)
    // The adapter's URL is the operator's; nothing else is.
    expect(folder.bridge.url).toBe('<ADAPTER_URL>')
    expect(Number.isInteger(folder.bridge.confirmations) && folder.bridge.confirmations >= 0).toBe(true)
    expect(folder.bridge.minimumContractPayment).toMatch(/^\d+$/)
  })
})

describe.each(specs.map(({ folder, job }) => ({ path: job.path, folder, job })))(
  '$path',
  ({ folder, job }) => {
    it('is an OCR2 median job on an EVM chain, with every operator-specific value a placeholder', () => {
      expect(job.spec).toMatchObject({
        type: 'offchainreporting2',
        pluginType: 'median',
        relay: 'evm',
        schemaVersion: 1,
      })
      expect(typeof job.spec.name).toBe('string')
      expect(job.spec.maxTaskDuration).toMatch(/^\d+s$/)
      expect(Object.keys(job.spec.relayConfig as object)).toEqual(['chainID'])
      expect(nodeChainId((job.spec.relayConfig as { chainID: unknown }).chainID)).toBe('1')
      for (const [field, read, placeholder] of OPERATOR_FIELDS) {
        expect({ field, value: read(job.spec) }).toEqual({ field, value: placeholder })
      }
      expect(Object.keys(job.spec).sort()).toEqual(
        [
          'contractID',
          'maxTaskDuration',
          'name',
          'observationSource',
          'ocrKeyBundleID',
          'p2pv2Bootstrappers',
          'pluginConfig',
          'pluginType',
          'relay',
          'relayConfig',
          'schemaVersion',
          'transmitterID',
          'type',
        ].sort(),
      )
    })

    it('has an observation pipeline ending in one task, and a juelsPerFeeCoin pipeline', () => {
      expect(job.observationSource.terminals).toHaveLength(1)
      expect(job.juelsPerFeeCoinSource.terminals).toHaveLength(1)
      expect(job.feedDecimals).toEqual(expect.any(Number))
    })

    it('names only bridges defined in jobs/, its own adapter’s among them', () => {
      const used = job.observationSource.tasks
        .filter((t) => t.type === 'bridge')
        .map((t) => t.attributes.name)
      expect(used.length).toBeGreaterThan(0)
      for (const name of used) expect(bridgeNames).toContain(name.toLowerCase())
      expect(used).toContain(folder.bridge.name)
      // Pipelines running on their own (juelsPerFeeCoin) call no bridge here.
      expect(job.juelsPerFeeCoinSource.tasks.filter((t) => t.type === 'bridge')).toEqual([])
    })

    it('sends each bridge request data that the adapter endpoint it reaches takes as it is', async () => {
      for (const task of job.observationSource.tasks.filter((t) => t.type === 'bridge')) {
        const problems = await requestDataProblems(job, task.id)
        expect({ task: task.id, problems }).toEqual({ task: task.id, problems: [] })
      }
    })
  },
)

/**
 * What is wrong with bridge task `taskId`'s request data, resolved as an OCR2 run resolves it.
 * A value taken from an earlier task (`$(addresses)`) is checked in the replay, against that
 * task's real answer; here it stands in as the endpoint's own example value for that input.
 */
async function requestDataProblems(job: JobSpec, taskId: string): Promise<string[]> {
  const task = job.observationSource.tasks.find((t) => t.id === taskId)!
  const adapter = task.attributes.name.toLowerCase()
  const taskNames = new Set(job.observationSource.tasks.map((t) => t.id))
  const fromTask = (name: string) => `\u0000result of task ${name}`
  const vars: Vars = ocr2Vars({ externalJobID: '00000000-0000-4000-8000-000000000000' })
  for (const variable of variablesIn(task.attributes.requestData ?? '')) {
    const name = variable.split('.')[0]
    if (taskNames.has(name)) vars[name] = fromTask(name)
  }
  // What the adapter receives: the request data as the node marshals it.
  const request: unknown = JSON.parse(
    goJson(jsonWithVarExprs(task.attributes.requestData ?? '', vars, false) as PipelineValue),
  )
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return ['not a JSON object']
  const problems: string[] = []
  const { id, data, ...rest } = request as Record<string, unknown>
  if (Object.keys(rest).length > 0) problems.push(`keys beside id and data: ${Object.keys(rest).join(', ')}`)
  if (!/\$\(\s*jb\.externalJobID\s*\)/.test(task.attributes.requestData ?? '') || typeof id !== 'string') {
    problems.push('id must be $(jb.externalJobID), the variable an OCR2 run has')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [...problems, 'no data object']
  const examples =
    (await endpointFor(adapter, data as Record<string, unknown>)).inputParameters.examples ?? []
  const sampled = Object.fromEntries(
    Object.entries(data).map(([key, value]) => {
      if (typeof value !== 'string' || !value.startsWith('\u0000')) return [key, value]
      const example = (examples[0] as Record<string, unknown> | undefined)?.[key]
      if (example === undefined)
        problems.push(`${key}: the endpoint gives no example to check ${value.slice(1)} with`)
      return [key, example]
    }),
  )
  return [...problems, ...(await checkRequestData(adapter, sampled))]
}

describe('placeholders', () => {
  const files = [
    ...folders.map((f) => ({ path: `jobs/${f.adapter}/bridge.json`, text: f.bridgeText })),
    ...specs.map(({ job }) => ({ path: job.path, text: job.text })),
  ]

  it('are exactly the ones jobs/README.md lists, each used', () => {
    const used = new Set(files.flatMap((f) => placeholdersIn(f.text)))
    expect([...used].sort()).toEqual([...documentedPlaceholders()].sort())
  })

  it('are the only values left to fill in: no other placeholder-like text', () => {
    const suspicious = /YOUR_|TODO|FIXME|CHANGE_?ME|REPLACE_?ME|<insert|\bxxx+\b|\.\.\.|…/i
    for (const file of files) {
      const lines = file.text.split('\n').filter((line) => suspicious.test(line))
      expect({ file: file.path, lines }).toEqual({ file: file.path, lines: [] })
    }
    // The jobs README documents them as `<LIKE_THIS>`, in one table.
    expect(readFileSync(join(JOBS_DIR, 'README.md'), 'utf8')).toMatch(/^## Placeholders$/m)
  })

  it('are told apart from values=<[0]>, angle-bracketed but not one, wherever they are listed', () => {
    const readme = readFileSync(join(JOBS_DIR, 'README.md'), 'utf8')
    const section = /^## Placeholders$([\s\S]*?)(?=^## )/m.exec(readme)![1]
    expect(section).toMatch(/`values=<\[0\]>`[^.]*not a placeholder/)
    for (const { job } of specs) {
      const header = job.text.slice(0, job.text.indexOf('\ntype = '))
      expect({ job: job.path, listsPlaceholders: /placeholders/.test(header) }).toEqual({
        job: job.path,
        listsPlaceholders: true,
      })
      if (job.text.includes('values=<[0]>')) expect(header).toMatch(/values=<\[0\]>[\s\S]*is not one/)
    }
  })
})

describe('the answer size', () => {
  // Adapters whose answer grows with the addresses asked about: a job calling one can exceed
  // the node's default bridge body limit.
  const GROWING = new Set(['btc-balance', 'por-address-list', 'token-balance'])

  it('is stated at the top of every job whose answer grows with its addresses, with the node setting to raise', () => {
    const growing = specs.filter(({ job }) =>
      job.observationSource.tasks.some((t) => t.type === 'bridge' && GROWING.has(t.attributes.name)),
    )
    expect(growing.map(({ job }) => job.path)).toEqual(
      expect.arrayContaining(['jobs/btc-balance/job.toml', 'jobs/token-balance/job.toml']),
    )
    for (const { job } of growing) {
      const header = job.text.slice(0, job.text.indexOf('\ntype = '))
      expect(header).toMatch(/^# Answer size: /m)
      expect(header).toMatch(/^# {3}\[JobPipeline\.HTTPRequest\]\n# {3}MaxSize = '\d+mb'$/m)
    }
  })
})

describe('the relay chain id', () => {
  it('is read as the node reads it: an integer, a string or a whole float, never a fraction or other text', () => {
    expect(nodeChainId(1)).toBe('1')
    expect(nodeChainId('1')).toBe('1')
    expect(nodeChainId(parseToml('chainID = 1.0').chainID)).toBe('1')
    expect(nodeChainId(parseToml('chainID = "42161"').chainID)).toBe('42161')
    for (const refused of [1.5, ' 1', '0x1', 'one', true, null]) {
      expect({ refused, read: nodeChainId(refused) }).toEqual({ refused, read: undefined })
    }
  })
})

describe("jobs/README.md's juelsPerFeeCoinCache", () => {
  it('uses the settings the node knows, within its bounds', () => {
    const readme = readFileSync(join(JOBS_DIR, 'README.md'), 'utf8')
    const block = /^```toml\n(\[pluginConfig\.juelsPerFeeCoinCache\][\s\S]*?)^```$/m.exec(readme)
    const cache = (
      parseToml(block![1]) as { pluginConfig: { juelsPerFeeCoinCache: Record<string, unknown> } }
    ).pluginConfig.juelsPerFeeCoinCache
    // core/services/ocr2/plugins/median/config/config.go: JuelsPerFeeCoinCache.
    expect(Object.keys(cache).sort()).toEqual(['disable', 'stalenessAlertThreshold', 'updateInterval'])
    expect(typeof cache.disable).toBe('boolean')
    const seconds = (d: unknown) => {
      const [, n, unit] = /^(\d+)([smh])$/.exec(String(d))!
      return Number(n) * { s: 1, m: 60, h: 3600 }[unit as 's' | 'm' | 'h']
    }
    expect(seconds(cache.updateInterval)).toBeGreaterThanOrEqual(30)
    expect(seconds(cache.updateInterval)).toBeLessThanOrEqual(20 * 60)
    expect(seconds(cache.stalenessAlertThreshold)).toBeGreaterThan(0)
  })
})

describe('the request data check', () => {
  it('fails on an input the endpoint does not declare (a renamed input), and on one it refuses', async () => {
    expect(await checkRequestData('attestation', { client: 'usdx', decimals: 18 })).toEqual([])
    expect(await checkRequestData('attestation', { clientName: 'usdx', decimals: 18 })).toEqual([
      "data.clientName is not an input of attestation's reserves endpoint",
      expect.stringMatching(/refuses it: .*client.*required/),
    ])
    expect(
      await checkRequestData('btc-balance', {
        result: [{ address: 'bc1q', network: 'bitcoin', chainId: 'mainnet', label: 'cold' }],
      }),
    ).toEqual(["data.result[0].label is not an input of btc-balance's balance endpoint"])
    expect(await checkRequestData('gold-vault', { vault: 'london', decimals: '8' })).toEqual([
      expect.stringMatching(/refuses it: .*decimals/),
    ])
  })
})
