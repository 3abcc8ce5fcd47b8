/**
 * `npm run simulate`: the loopback providers for trying adapters by hand. What it prints is
 * followed as an operator would: each adapter started with the printed settings and asked the
 * printed request gives the printed answer; stopping npm stops the providers.
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { loadAdapterModule } from '#devkit/adapters'
import { askUntilComputed, startAdapterServer } from '#devkit/adapter-server'
import { describeSimulation, simulate, type Trial } from '#devkit/simulate'
import { REPO_DIR } from '#devkit/docs'

/** The settings, requests and answers of `npm run simulate`'s output. */
function parseOutput(output: string): { env: Record<string, string>; trials: Trial[] } {
  const env = Object.fromEntries(
    [...output.matchAll(/^ {2}export (\w+)=(\S+)$/gm)].map(([, name, value]) => [name, value]),
  )
  const trials = [
    ...output.matchAll(
      /^ {2}npm start -- (\S+).*\n.* -d '(.*)'\n\s+→ (result|data\.result) (.*) \(a 504 first/gm,
    ),
  ].map(([, adapter, body, kind, expected]) => ({
    adapter,
    data: (JSON.parse(body) as { data: Record<string, unknown> }).data,
    expected: kind === 'result' ? expected : (JSON.parse(expected) as unknown[]),
  }))
  return { env, trials }
}

/** Starts `trial.adapter` with `env`, asks its request as a node's bridge does, and gives what it answered. */
async function answerOf(trial: Trial, env: Record<string, string>): Promise<unknown> {
  const { makeAdapter } = await loadAdapterModule(trial.adapter)
  const server = await startAdapterServer(makeAdapter(), { ...env, BACKGROUND_EXECUTE_MS_HTTP: '50' })
  try {
    const answer = await askUntilComputed(() => server.bridge(trial.data))
    expect(answer.status).toBe(200)
    const body = answer.body as { result: unknown; data: { result: unknown } }
    return typeof trial.expected === 'string' ? body.result : body.data.result
  } finally {
    await server.close()
  }
}

describe('npm run simulate', () => {
  it('starts the HTTP providers, prints how to try each adapter, and stops with npm', async () => {
    const child = spawn('npm', ['run', '-s', 'simulate', '--', 'esplora', 'attestation', 'vault'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      for (let i = 0; i < 300 && !output.includes('Running until stopped'); i++)
        await new Promise((r) => setTimeout(r, 100))
      const { env, trials } = parseOutput(output)
      expect(Object.keys(env).sort()).toEqual([
        'ATTESTATION_API_URL',
        'BITCOIN_MAINNET_ESPLORA_URL',
        'GOLD_VAULT_API_URL',
      ])
      expect(trials.map((t) => t.adapter)).toEqual(['btc-balance', 'attestation', 'gold-vault'])
      for (const trial of trials)
        expect([trial.adapter, await answerOf(trial, env)]).toEqual([trial.adapter, trial.expected])
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  }, 120_000)

  it('refuses a provider it does not know, naming those it does', async () => {
    const child = spawn('npm', ['run', '-s', 'simulate', '--', 'mempool'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let output = ''
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2)
    expect(output).toContain(
      'Unknown provider mempool. Usage: npm run simulate -- <provider> … (esplora, attestation, vault, chain)',
    )
  })

  it('chain: a hardhat node with a token and an address list, as printed', async () => {
    const [chain] = await simulate(['chain'])
    try {
      const { env, trials } = parseOutput(`${describeSimulation(chain)}\n`)
      expect(env).toEqual({
        ETHEREUM_RPC_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        ETHEREUM_RPC_CHAIN_ID: '31337',
      })
      expect(trials.map((t) => t.adapter)).toEqual(['multichain-supply', 'por-address-list'])
      for (const trial of trials)
        expect([trial.adapter, await answerOf(trial, env)]).toEqual([trial.adapter, trial.expected])
    } finally {
      await chain.close()
    }
  }, 120_000)
})
