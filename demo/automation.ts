/**
 * Chainlink Automation 2.3 on the demo's chain: Chainlink's own registry, registrar and forwarders, deployed
 * and configured as on a network (devkit/automation.ts); the guard's upkeeps registered through the registrar
 * with the upkeeps tooling, which reads each upkeep back and grants its forwarder the guard's FORWARDER_ROLE;
 * and the local runner standing in for the Automation DON (it checks through the registry and performs
 * through the registry's `transmit`, with the local DON's keys).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { JsonRpcProvider, Signer } from 'ethers'
import { linkTokenAt } from '#chain/contracts'
import { mined } from '#chain/events'
import { deployLocalAutomation, type LocalAutomation } from '#devkit/automation'
import {
  UpkeepRunner,
  runCli,
  type CheckOutcome,
  type PerformOutcome,
  type RegistrationTrigger,
} from '../upkeeps/index'
import type { Sent } from './tx'

export interface Automation {
  deployment: LocalAutomation
  /** where the deployment is written for the upkeeps tooling (`--network local`), in a temporary folder */
  deploymentFile: string
  /** removes that folder (the file holds the local DON's throwaway keys) */
  dispose: () => void
}

/**
 * Deploys Automation 2.3 with `owner` as the registry's and registrar's owner (Chainlink, on a network), and
 * sends `issuer` the LINK it pays its upkeeps with.
 */
export async function deployAutomation(owner: Signer, issuer: string, link: bigint): Promise<Automation> {
  const deployment = await deployLocalAutomation(owner)
  await mined(linkTokenAt(deployment.link, owner).transfer(issuer, link))
  const deploymentFile = join(mkdtempSync(join(tmpdir(), 'por-demo-')), 'local-deployment.json')
  writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2) + '\n')
  const dispose = () => rmSync(dirname(deploymentFile), { recursive: true, force: true })
  return { deployment, deploymentFile, dispose }
}

export interface RegisteredUpkeep {
  id: bigint
  /** as the registry has it: a mint-log upkeep is a log trigger */
  trigger: 'conditional' | 'log'
  forwarder: string
  /** what a log trigger listens to (the aggregator behind the proxy, or the token whose mints it filters) */
  listensTo?: string
  /** the funding, and the least the registry requires for the upkeep's gas limit (decimal LINK) */
  balance: string
  minBalance: string
  /** what the tooling told the user */
  notes: string[]
  transactions: Sent[]
}

interface RegisterJson {
  status?: string
  upkeep?: {
    id: string
    trigger: 'conditional' | 'log'
    forwarder: string
    balance: { text: string }
    minBalance: { text: string }
    logTrigger?: { contractAddress: string }
  }
  forwarderAllowed?: boolean
  notes?: string[]
  transactions?: { hash: string }[]
  error?: string
}

/**
 * Registers one upkeep on the guard with the upkeeps tooling, exactly as `npm run upkeeps -- register
 * --network local …` does, paying `amount` LINK from the key's account (the guard's admin, so that the
 * tooling can grant the forwarder FORWARDER_ROLE itself).
 */
export async function registerUpkeep(
  provider: JsonRpcProvider,
  automation: Automation,
  rpcUrl: string,
  adminKey: string,
  request: {
    guard: string
    trigger: RegistrationTrigger
    feed?: string
    token?: string
    amount: string
    name: string
  },
): Promise<RegisteredUpkeep> {
  const argv = ['register', '--network', 'local', '--rpc-url', rpcUrl, '--guard', request.guard]
  argv.push('--trigger', request.trigger, '--amount', request.amount, '--name', request.name, '--json')
  if (request.feed) argv.push('--feed', request.feed)
  if (request.token) argv.push('--token', request.token)
  const out: string[] = []
  const env = { UPKEEPS_PRIVATE_KEY: adminKey, UPKEEPS_LOCAL_DEPLOYMENT: automation.deploymentFile }
  const code = await runCli(argv, env, { out: (text) => out.push(text), err: (text) => out.push(text) })
  const text = out.join('\n')
  let result: RegisterJson
  try {
    result = JSON.parse(text) as RegisterJson
  } catch {
    throw new Error(`upkeeps register (exit ${code}) did not answer JSON: ${text}`)
  }
  if (code !== 0 || result.error) throw new Error(`upkeeps register failed (exit ${code}): ${result.error}`)
  if (result.status !== 'registered' || !result.upkeep) {
    throw new Error(`upkeeps register left the upkeep ${result.status ?? 'unregistered'}`)
  }
  if (result.forwarderAllowed !== true) {
    throw new Error(`upkeeps register did not grant the forwarder ${result.upkeep.forwarder} FORWARDER_ROLE`)
  }
  const transactions: Sent[] = []
  for (const { hash } of result.transactions ?? []) {
    const receipt = (await provider.getTransactionReceipt(hash))!
    transactions.push({ hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed })
  }
  return {
    id: BigInt(result.upkeep.id),
    trigger: result.upkeep.trigger,
    forwarder: result.upkeep.forwarder,
    listensTo: result.upkeep.logTrigger?.contractAddress,
    balance: result.upkeep.balance.text,
    minBalance: result.upkeep.minBalance.text,
    notes: result.notes ?? [],
    transactions,
  }
}

/** One pass of the runner over the upkeeps, at one block. */
export interface Tick {
  block: number
  checks: CheckOutcome[]
  performs: PerformOutcome[]
}

/**
 * The local runner, watching every new block in the background as the DON would, with everything it reports
 * kept: each tick (its checks and performs), the problems it names, and any error a tick hit.
 */
export class LocalDon {
  readonly ticks: Tick[] = []
  readonly problems: { upkeepId: bigint; message: string }[] = []
  readonly errors: string[] = []

  private constructor(private readonly runner: UpkeepRunner) {
    runner.on('ticked', (tick: Tick) => this.ticks.push(tick))
    runner.on('problem', (problem: { upkeepId: bigint; message: string }) => this.problems.push(problem))
    runner.on('tickError', (error: unknown) => this.errors.push(String((error as Error)?.message ?? error)))
  }

  /** Starts the runner on the upkeeps, in the order given (each tick performs them in that order). */
  static async start(
    provider: JsonRpcProvider,
    deployment: LocalAutomation,
    upkeepIds: bigint[],
  ): Promise<{ don: LocalDon; mode: string; description: string }> {
    const runner = await UpkeepRunner.create({
      provider,
      registry: deployment.registry,
      upkeepIds,
      mode: { kind: 'transmit', don: deployment.don },
      pollIntervalMs: 50,
    })
    const don = new LocalDon(runner)
    runner.start()
    return { don, mode: runner.mode, description: runner.modeDescription }
  }

  /** Waits until the runner has checked the upkeeps at `block` or later; the ticks from `block` on. */
  async through(block: number, timeoutMs = 30_000): Promise<Tick[]> {
    const deadline = Date.now() + timeoutMs
    while (!this.ticks.some((tick) => tick.block >= block)) {
      if (this.errors.length > 0) throw new Error(`the runner failed: ${this.errors.join('; ')}`)
      if (Date.now() > deadline)
        throw new Error(`the runner did not check block ${block} within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return this.since(block)
  }

  /** The ticks at `block` or later. */
  since(block: number): Tick[] {
    return this.ticks.filter((tick) => tick.block >= block)
  }

  /** Waits for a perform that `wanted` accepts, made in a tick at `fromBlock` or later. */
  async perform(
    fromBlock: number,
    wanted: (perform: PerformOutcome) => boolean,
    timeoutMs = 30_000,
  ): Promise<PerformOutcome> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.since(fromBlock)
        .flatMap((tick) => tick.performs)
        .find(wanted)
      if (found) return found
      if (this.errors.length > 0) throw new Error(`the runner failed: ${this.errors.join('; ')}`)
      if (Date.now() > deadline)
        throw new Error(`no such perform within ${timeoutMs} ms of block ${fromBlock}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  stop(): Promise<void> {
    return this.runner.stop()
  }
}
