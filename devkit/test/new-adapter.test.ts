import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { check, resolveConfig } from 'prettier'
import { ADAPTERS_DIR } from '#devkit/adapters'
import { REPO_DIR } from '#devkit/docs'
import { readFixture } from '#devkit/fixtures'
import { adapterNameProblem, addTableRows, nameForms, renameTemplate } from '#devkit/new-adapter'
import { deadUrl } from '#devkit/ports'
import { serveReservesApi } from '#devkit/simulators/reserves-api'

describe('new adapter names', () => {
  it.each([
    ['Gold', 'is not a kebab-case name'],
    ['gold_reserves', 'is not a kebab-case name'],
    ['gold--reserves', 'is not a kebab-case name'],
    ['9-lives', 'is not a kebab-case name'],
    ['gold-', 'is not a kebab-case name'],
    ['', 'is not a kebab-case name'],
    ['common', '"common" is the adapters\' shared code, not an adapter'],
    ['btc-balance', 'adapters/btc-balance already exists'],
  ])('refuses %p', (name, problem) => {
    expect(adapterNameProblem(name, ADAPTERS_DIR)).toContain(problem)
  })

  it('takes a new kebab-case name, and writes it in every form the template uses', () => {
    expect(adapterNameProblem('gold-reserves2', ADAPTERS_DIR)).toBeUndefined()
    expect(nameForms('gold-reserves2')).toEqual({
      kebab: 'gold-reserves2',
      constant: 'GOLD_RESERVES2',
      pascal: 'GoldReserves2',
      camel: 'goldReserves2',
    })
    expect(
      renameTemplate(
        'adapters/adapter-template ADAPTER_TEMPLATE_API_URL AdapterTemplate adapterTemplate',
        'x-y',
      ),
    ).toBe('adapters/x-y X_Y_API_URL XY xY')
  })

  it('adds its rows at the end of the first table under a heading, and refuses a section without one', () => {
    const markdown =
      '# Doc\n\n## Files\n\nSome text.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nAfter.\n\n## Other\n\n| x |\n'
    expect(addTableRows(markdown, '## Files', ['| 3 | 4 |'])).toBe(
      '# Doc\n\n## Files\n\nSome text.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n| 3 | 4 |\n\nAfter.\n\n## Other\n\n| x |\n',
    )
    expect(() => addTableRows('## Files\n\ntext\n\n## Other\n\n| x |\n', '## Files', ['| y |'])).toThrow(
      'the "## Files" section has no table',
    )
    expect(() => addTableRows(markdown, '## Missing', ['| y |'])).toThrow('no "## Missing" section')
  })
})

/** Runs `command` in a shell in `cwd` (npm scripts run under the project's Node 24); resolves to the exit code and the output. */
function sh(
  command: string,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string | undefined> = { ...process.env, ...env }
    for (const name of ['JEST_WORKER_ID', 'NOCK_BACK_MODE', 'LOCAL_CHAINS', 'CONFORMANCE_ADAPTERS']) {
      if (!(name in env)) delete all[name]
    }
    const child = spawn('sh', ['-c', command], { cwd, env: all, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** The commands of the shell block that follows `marker` in `markdown`, continuation lines joined. */
function commandsAfter(markdown: string, marker: string): string[] {
  const at = markdown.indexOf(marker)
  if (at < 0) throw new Error(`README.md has no "${marker}"`)
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(at))
  if (!block) throw new Error(`no sh block after "${marker}"`)
  return block[1]
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '')
}

interface JestReport {
  numFailedTests: number
  testResults: {
    name: string
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[]
  }[]
}

/**
 * The Adapter authors guide of the root README, followed in a temporary copy of the repository
 * (its shared code, devkit, scripts, the templates, jobs/'s README and tooling and the Jest set-up;
 * no other adapter):
 * `npm run new:adapter` creates an adapter that passes its own tests, the conformance suite and
 * the jobs' tests as created (step 1); then step 3's commands, as written, record its fixture
 * from a provider on loopback and replay it offline. The copy's README and jobs/README.md get
 * the new adapter's rows.
 */
describe('the Adapter authors guide, in a copy of the repository', () => {
  const NAME = 'gold-reserves'
  const guide = readFileSync(join(REPO_DIR, 'README.md'), 'utf8')
  let copy: string
  let adapterDir: string

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-adapter-'))
    for (const path of [
      'package.json',
      'tsconfig.json',
      'jest.config.js',
      '.prettierrc.json',
      '.prettierignore',
      'README.md',
      'jobs/README.md',
      // jobs/'s tooling, which test/jobs reads the templates with (not the other adapters' folders)
      ...readdirSync(join(REPO_DIR, 'jobs'))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `jobs/${file}`),
      'adapters/common',
      'chain',
      'devkit',
      // the reserve-guard workflow's gas rule, which the README's gas table (devkit/docs.ts) is held to
      'workflows/reserve-guard/gas.ts',
      'workflows/shared/abi-words.ts',
      // the dashboard's alert metrics and options, which the README's generated parts (devkit/docs.ts) are made from
      'dashboard/alerts.ts',
      'dashboard/cli-spec.ts',
      'dashboard/defaults.ts',
      'dashboard/snapshot.ts',
      'scripts',
      'test/setup',
      'test/conformance',
      'test/jobs',
    ]) {
      cpSync(join(REPO_DIR, path), join(copy, path), { recursive: true })
    }
    symlinkSync(join(REPO_DIR, 'node_modules'), join(copy, 'node_modules'), 'dir')
    adapterDir = join(copy, 'adapters', NAME)
  })
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  it('1. npm run new:adapter creates the adapter, its jobs and its rows, formatted', async () => {
    expect(guide).toContain(`\`npm run new:adapter -- ${NAME}\``)
    const created = await sh(`npm run new:adapter -- ${NAME}`, copy)
    expect({ code: created.code, output: created.output }).toEqual({ code: 0, output: expect.any(String) })
    for (const file of [
      'README.md',
      'CHANGELOG.md',
      'src/index.ts',
      'test/conformance.ts',
      'test/integration/fixtures/reserves.json',
    ]) {
      expect([file, existsSync(join(adapterDir, file))]).toEqual([file, true])
    }
    for (const file of [
      `adapters/${NAME}/README.md`,
      `adapters/${NAME}/src/config/index.ts`,
      `adapters/${NAME}/test/integration/adapter.test.ts`,
      `jobs/${NAME}/bridge.json`,
      'README.md',
      'jobs/README.md',
    ]) {
      const path = join(copy, file)
      expect([
        file,
        await check(readFileSync(path, 'utf8'), { ...(await resolveConfig(path)), filepath: path }),
      ]).toEqual([file, true])
    }
    expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain(
      `[adapters/${NAME}](adapters/${NAME}/README.md)`,
    )
    expect(readFileSync(join(copy, 'jobs', NAME, 'job.toml'), 'utf8')).toContain('<GOLD_RESERVES_ACCOUNT>')
    expect(readFileSync(join(copy, 'jobs', 'README.md'), 'utf8')).toContain('`<GOLD_RESERVES_ACCOUNT>`')
  }, 60_000)

  it("1. passes its own tests and the conformance suite as created (npm run test:adapter), and the jobs' tests", async () => {
    expect(guide).toContain(`\`npm run test:adapter -- ${NAME}\` passes as created`)
    const results = join(copy, 'results.json')
    const tested = await sh(`npm run test:adapter -- ${NAME} --json --outputFile=${results}`, copy)
    const report = JSON.parse(readFileSync(results, 'utf8')) as JestReport
    const failures = report.testResults.flatMap((file) =>
      file.assertionResults
        .filter((a) => a.status !== 'passed')
        .map((a) => `${file.name}: ${[...a.ancestorTitles, a.title].join(' › ')}`),
    )
    expect({ code: tested.code, failures }).toEqual({ code: 0, failures: [] })
    const conformance = report.testResults
      .filter((file) => file.name.endsWith('conformance.test.ts'))
      .flatMap((file) => file.assertionResults)
      .filter((a) => a.ancestorTitles[0] === `adapter ${NAME}`)
    // The suite ran on the new adapter: sample, bad input, faults, README.
    expect(conformance.length).toBeGreaterThanOrEqual(15)
    expect(conformance.every((a) => a.status === 'passed')).toBe(true)
    expect(report.testResults.filter((file) => file.name.includes(`adapters/${NAME}/test/`)).length).toBe(4)

    // The jobs' tests on jobs/gold-reserves/: the spec read as a node reads it, then replayed
    // against the adapter and its conformance provider (no local chain: no other adapter here).
    const jobs = await sh(
      `${process.execPath} --experimental-vm-modules --no-deprecation node_modules/jest/bin/jest.js --verbose test/jobs/specs.test.ts test/jobs/replay.test.ts -t 'jobs/${NAME}/'`,
      copy,
      { LOCAL_CHAINS: 'off' },
    )
    expect({ code: jobs.code, passed: jobs.output.match(/✓/g)?.length }).toEqual({ code: 0, passed: 7 })
  }, 240_000)

  it('3. records the fixture from the provider, offline writes nothing, and the replay passes with no edit', async () => {
    const [record, replay] = commandsAfter(guide, '**Record fixtures.**')
    expect(record).toMatch(
      /^NOCK_BACK_MODE=update GOLD_RESERVES_API_URL=(\S+) GOLD_RESERVES_API_KEY=… npm run test:adapter -- gold-reserves$/,
    )
    expect(replay).toBe(`npm run test:adapter -- ${NAME}`)
    const liveUrl = /GOLD_RESERVES_API_URL=(\S+)/.exec(record)![1]
    const fixture = join(adapterDir, 'test', 'integration', 'fixtures', 'reserves.json')
    const example = readFileSync(fixture, 'utf8')
    const withProvider = (url: string) => record.replace(liveUrl, url).replace('…', 'test-key')

    // Offline: the recording fails, and the fixture is left as it was (no empty fixture).
    const offline = await sh(withProvider(await deadUrl()), copy)
    expect(offline.code).not.toBe(0)
    expect(readFileSync(fixture, 'utf8')).toBe(example)

    // The provider on loopback: the example API's accounts, dated now less their age.
    const api = await serveReservesApi({
      acme: { reserves: '1234567.891', ageSeconds: 6 * 3600 },
      'stale-co': { reserves: '500', ageSeconds: 54 * 3600 },
    })
    try {
      const recorded = await sh(withProvider(api.url), copy)
      expect({ code: recorded.code, output: recorded.output }).toEqual({
        code: 0,
        output: expect.any(String),
      })
    } finally {
      await api.close()
    }
    expect(api.requests).toEqual(expect.arrayContaining(['/acme', '/stale-co']))
    const { recorded, interactions } = readFixture(fixture)
    expect(recorded?.with).toEqual({ url: api.url })
    // Every test's requests, from the tests sharing the fixture.
    expect(new Set(interactions.map((i) => i.path))).toEqual(new Set(['/acme', '/stale-co']))

    // The provider is gone: the replay runs offline, in lockdown, with no edit.
    const replayed = await sh(replay, copy)
    expect({ code: replayed.code, output: replayed.output }).toEqual({ code: 0, output: expect.any(String) })
  }, 240_000)
})
