import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { check, resolveConfig } from 'prettier'
import { ADAPTERS_DIR } from '#devkit/adapters'
import { REPO_DIR } from '#devkit/docs'
import { adapterNameProblem, nameForms, renameTemplate } from '#devkit/new-adapter'

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
})

/** Runs `args` with this Node (24) in `cwd`; resolves to the exit code and the output. */
function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env }
    delete env.JEST_WORKER_ID
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/**
 * The whole kit, end to end, in a temporary copy of the repository (its shared code, devkit,
 * scripts, the template and the Jest set-up, no other adapter): `npm run new:adapter` creates an
 * adapter, and the adapter's own tests and the conformance suite pass on it as created.
 */
describe('npm run new:adapter, in a copy of the repository', () => {
  const NAME = 'example-source'
  let copy: string

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-adapter-'))
    for (const path of [
      'package.json',
      'tsconfig.json',
      'jest.config.js',
      '.prettierrc.json',
      '.prettierignore',
      'adapters/common',
      'chain',
      'devkit',
      'scripts',
      'test/setup',
      'test/conformance',
    ]) {
      cpSync(join(REPO_DIR, path), join(copy, path), { recursive: true })
    }
    symlinkSync(join(REPO_DIR, 'node_modules'), join(copy, 'node_modules'), 'dir')
    // The generated adapter needs no local chain: the copy's Jest runs without the global set-up.
    writeFileSync(
      join(copy, 'jest.kit.config.js'),
      "import base from './jest.config.js'\nexport default { ...base, globalSetup: undefined, globalTeardown: undefined }\n",
    )
  })
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  it('creates an adapter that passes its own tests and the conformance suite as created', async () => {
    const created = await run(['--no-deprecation', '--import', 'tsx', 'scripts/new-adapter.ts', NAME], copy)
    expect({ code: created.code, output: created.output }).toEqual({ code: 0, output: expect.any(String) })
    const dir = join(copy, 'adapters', NAME)
    for (const file of [
      'README.md',
      'src/index.ts',
      'test/conformance.ts',
      'test/integration/fixtures/reserves.json',
    ]) {
      expect(existsSync(join(dir, file))).toBe(true)
    }

    // As formatted as `npm run lint` wants it.
    for (const file of ['README.md', 'src/config/index.ts', 'test/integration/adapter.test.ts']) {
      const path = join(dir, file)
      expect([
        file,
        await check(readFileSync(path, 'utf8'), { ...(await resolveConfig(path)), filepath: path }),
      ]).toEqual([file, true])
    }

    const results = join(copy, 'results.json')
    const tested = await run(
      [
        '--experimental-vm-modules',
        '--no-deprecation',
        'node_modules/jest/bin/jest.js',
        '--config',
        'jest.kit.config.js',
        '--json',
        `--outputFile=${results}`,
        `adapters/${NAME}`,
        'test/conformance',
      ],
      copy,
    )
    const report = JSON.parse(readFileSync(results, 'utf8')) as {
      numFailedTests: number
      numPassedTests: number
      testResults: {
        name: string
        assertionResults: { ancestorTitles: string[]; title: string; status: string }[]
      }[]
    }
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
    // The suite ran on the new adapter (it is the only one in the copy): sample, bad input, faults, README.
    expect(conformance.length).toBeGreaterThanOrEqual(15)
    expect(conformance.every((a) => a.status === 'passed')).toBe(true)
    expect(report.testResults.filter((file) => file.name.includes(`adapters/${NAME}/test/`)).length).toBe(4)
  }, 240_000)
})
