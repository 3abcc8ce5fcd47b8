/**
 * The root README's Node operators guide, steps 2 to 4, followed as a newcomer follows them: the
 * commands are read from the README itself. Step 2's adapter is started with the settings the
 * guide gives (its own process, `npm start`), the auditor's URL pointing at a loopback auditor
 * and the ports free ones; steps 3 and 4 run `npm run jobs` as their own processes through npm,
 * exactly as written but for the port and the output folder (a scratch one). The job must report
 * the exact figure the auditor attests, the one the guide quotes; a wrong value must be refused
 * with nothing written.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import { freePort } from '#devkit/ports'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { placeholdersIn } from './jobs'

/** The guide's shell lines, continuation lines joined: those of its sh blocks. */
function guideLines(): string[] {
  const readme = readFileSync('README.md', 'utf8')
  const start = readme.indexOf('\n## Node operators\n')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1])
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  )
}

interface Run {
  code: number | null
  out: string
  err: string
}

/** `npm run jobs -- <args>` from the repository, as a user types it. */
function npmRun(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'jobs', '--', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

const ATTESTED = '1000523419.87'

let scratch: string
let auditor: ApiServer | undefined
let adapter: AdapterProcess | undefined

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'jobs-guide-'))
})

afterAll(async () => {
  await adapter?.stop()
  await auditor?.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe("the README's Node operators guide", () => {
  it('start the adapter, fill its bridge and job, check the job: the exact figure, as the guide quotes it', async () => {
    const lines = guideLines()
    const serve = lines.find((line) => /npm run serve -- attestation$/.test(line))
    const fill = lines.find((line) => line.startsWith('npm run jobs -- fill '))
    const check = lines.find((line) => line.startsWith('npm run jobs -- check '))
    expect({ serve, fill, check }).toEqual({
      serve: expect.any(String),
      fill: expect.any(String),
      check: expect.any(String),
    })

    // Step 2: the adapter, with the guide's settings; its auditor on loopback, attesting ATTESTED
    // for the client the guide's job names.
    const fillArgs = fill!.replace('npm run jobs -- ', '').split(' ')
    const client = fillArgs.find((arg) => arg.startsWith('ATTESTATION_CLIENT='))!.split('=')[1]
    auditor = await serveAttestationApi({
      [client]: { accountName: client.toUpperCase(), totalReserve: ATTESTED, totalToken: '1000000000.00' },
    })
    const settings = Object.fromEntries(
      serve!
        .replace(/ npm run serve -- attestation$/, '')
        .split(' ')
        .map((assignment) => assignment.split('=') as [string, string]),
    )
    expect(Object.keys(settings)).toEqual(['EA_PORT', 'METRICS_PORT', 'ATTESTATION_API_URL'])
    const guidePort = settings.EA_PORT
    const port = String(await freePort())
    adapter = await startAdapterProcess('attestation', {
      ...settings,
      EA_PORT: port,
      METRICS_PORT: String(await freePort()),
      ATTESTATION_API_URL: auditor.url,
    })

    // Steps 3 and 4, as written, but for the port and the folder.
    const literal = (line: string) => {
      expect(line).not.toMatch(/["'$`]/)
      return line
        .replace('npm run jobs -- ', '')
        .replaceAll(`127.0.0.1:${guidePort}`, `127.0.0.1:${port}`)
        .replaceAll('my-jobs/', `${scratch}/my-jobs/`)
        .split(' ')
    }
    const filled = await npmRun(literal(fill!))
    expect(filled).toMatchObject({ code: 0, err: '' })
    const folder = join(scratch, 'my-jobs/attestation')
    const bridge = JSON.parse(readFileSync(join(folder, 'bridge.json'), 'utf8')) as Record<string, unknown>
    expect(bridge).toEqual({
      name: 'attestation',
      url: `http://127.0.0.1:${port}`,
      confirmations: 0,
      minimumContractPayment: '0',
    })
    const job = readFileSync(join(folder, 'job.toml'), 'utf8')
    expect(placeholdersIn(job)).toEqual([])
    expect(parseToml(job)).toMatchObject({ type: 'offchainreporting2', pluginType: 'median' })

    const checked = await npmRun(literal(check!))
    expect(checked).toMatchObject({ code: 0, err: '' })
    const figure = "1000523419870000000000000000 (1000523419.87 at the feed's 18 decimals)"
    expect(checked.out.trim()).toBe(`${join(folder, 'job.toml')} would report ${figure}, juelsPerFeeCoin 0.`)
    // The figure the guide quotes for this attestation.
    const readme = readFileSync('README.md', 'utf8')
    expect(readme).toContain(`\`${figure}\``)
  }, 120_000)

  it('a value the node would refuse: exit 2, named, nothing written', async () => {
    const fill = guideLines().find((line) => line.startsWith('npm run jobs -- fill '))!
    const out = join(scratch, 'refused')
    const args = fill
      .replace('npm run jobs -- ', '')
      .replace('my-jobs/attestation', out)
      .replace(
        /TRANSMITTER_ADDRESS=0x([0-9a-fA-F])/,
        (_m, digit: string) => `TRANSMITTER_ADDRESS=0x${digit === 'f' ? 'e' : 'f'}`,
      )
      .split(' ')
    const refused = await npmRun(args)
    expect(refused.code).toBe(2)
    expect(refused.err).toMatch(
      /^fill: TRANSMITTER_ADDRESS: 0x\w{40} fails its EIP-55 checksum .*: nothing written\n$/,
    )
    expect(existsSync(out)).toBe(false)
  }, 60_000)
})
