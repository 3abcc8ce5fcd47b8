/** What each `npm run cre` command does (cre/cli-spec.ts says what they take). */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { JsonRpcProvider, NonceManager, Wallet, getAddress, isAddress, type Signer } from 'ethers'
import { dataFeedsCacheAt, reserveGuardAt } from '#chain/contracts'
import { mined } from '#chain/events'
import { DEV_CHAIN_IDS, isDevChain } from '#common/evm-chains'
import { Role } from '#chain/types'
import type { ParsedOptions } from '#devkit/cli'
import { deployCreFeed, onChainWorkflowName } from '#devkit/data-feeds'
import { connectRpc } from '#devkit/chain-cli'
import { CreError, ENV } from './cli-spec'
import { executionLines, triggerText } from './format'
import {
  DEFAULT_LOCAL_DEPLOYMENT_FILE,
  deployLocalCre,
  readLocalCre,
  rehearsalWorkflowId,
  writeLocalCre,
  type LocalCreDeployment,
} from './local'
import { Rehearsal, type ExecutionReport, type RehearsedWorkflow } from './rehearsal'

export type Env = Record<string, string | undefined>

export interface CommandContext {
  options: ParsedOptions
  env: Env
  /** prints a line as it happens (`run`) */
  print: (line: string) => void
  /** resolves on Ctrl-C */
  interrupted?: Promise<void>
}

export interface CommandResult {
  lines: string[]
  data: Record<string, unknown>
}

/** The workflows `run` rehearses, by their folder under `workflows/` and option. */
export const WORKFLOWS = ['por-feed', 'reserve-guard'] as const

const text = (options: ParsedOptions, name: string) => options[name] as string | undefined

async function connect(
  ctx: CommandContext,
): Promise<{ provider: JsonRpcProvider; chainId: number; url: string }> {
  const url = text(ctx.options, 'rpc-url') ?? ctx.env[ENV.rpcUrl]
  if (!url) throw new CreError(`no RPC: pass --rpc-url or set ${ENV.rpcUrl}`, 'usage')
  // The chain id asked once, with a timeout, a redirect refused and the URL's path and secrets never printed.
  const { provider, chainId } = await connectRpc(url)
  return { provider, chainId, url }
}

function signer(ctx: CommandContext, provider: JsonRpcProvider, purpose: string): Signer {
  const key = ctx.env[ENV.privateKey]
  if (!key) {
    throw new CreError(
      `${ENV.privateKey} is not set: ${purpose} needs it (the tool never prompts for a key)`,
      'usage',
    )
  }
  try {
    return new NonceManager(new Wallet(key.startsWith('0x') ? key : `0x${key}`, provider))
  } catch {
    throw new CreError(`${ENV.privateKey} is not a valid private key (32 bytes of hex)`, 'usage')
  }
}

const deploymentFile = (env: Env) => resolve(env[ENV.localDeployment] ?? DEFAULT_LOCAL_DEPLOYMENT_FILE)

/** The local CRE on this chain, or a usage error saying to run `local` (again, after a node restart). */
async function localCre(
  ctx: CommandContext,
  provider: JsonRpcProvider,
  chainId: number,
): Promise<LocalCreDeployment> {
  const file = deploymentFile(ctx.env)
  const deployment = readLocalCre(file)
  if (!deployment) throw new CreError(`no local CRE at ${file}: run npm run cre -- local first`, 'usage')
  if (deployment.chainId !== chainId || (await provider.getCode(deployment.forwarder)) === '0x') {
    throw new CreError(
      `${file} names a forwarder ${deployment.forwarder} on chain ${deployment.chainId} that this chain (${chainId}) ` +
        'does not have (a restarted node?): run npm run cre -- local again',
      'usage',
    )
  }
  return deployment
}

function addressOption(options: ParsedOptions, name: string): string {
  const value = text(options, name)
  if (!value || !isAddress(value)) throw new CreError(`--${name} must be an address, not ${value}`, 'usage')
  return getAddress(value)
}

export async function local(ctx: CommandContext): Promise<CommandResult> {
  const { provider, chainId } = await connect(ctx)
  try {
    if (!isDevChain(chainId)) {
      throw new CreError(
        `local deploys a throwaway KeystoneForwarder and DON for rehearsals, and chain ${chainId} is not a ` +
          `development chain (${DEV_CHAIN_IDS.join(', ')}): point --rpc-url at a local node (npx hardhat node)`,
        'usage',
      )
    }
    const deployment = await deployLocalCre(signer(ctx, provider, 'local (the key deploys the forwarder)'))
    const file = deploymentFile(ctx.env)
    writeLocalCre(file, deployment)
    const { don, forwarder, workflowOwner } = deployment
    const ids = Object.fromEntries(WORKFLOWS.map((name) => [name, rehearsalWorkflowId(workflowOwner, name)]))
    return {
      lines: [
        `Deployed Chainlink's KeystoneForwarder ${forwarder} on chain ${chainId}, configured with a local DON ` +
          `(DON ${don.donId}, config version ${don.configVersion}): f = ${don.f}, ${don.signerKeys.length} signers; ` +
          `a transmitter ${new Wallet(deployment.transmitterKey).address}, funded; keys in ${file} (throwaway, not committed)`,
        `Workflow owner ${workflowOwner} (you); the rehearsal's workflow IDs:`,
        ...WORKFLOWS.map((name) => `  ${name.padEnd(13)} ${ids[name]}`),
        'Next: npm run cre -- feed (a DataFeedsCache feed the por-feed workflow writes) and npm run cre -- allow --guard <guard>.',
      ],
      data: {
        command: 'local',
        file,
        forwarder,
        chainId,
        don: { ...don, signerKeys: undefined },
        workflowOwner,
        workflowIds: ids,
      },
    }
  } finally {
    provider.destroy()
  }
}

export async function feed(ctx: CommandContext): Promise<CommandResult> {
  const { provider, chainId } = await connect(ctx)
  try {
    const deployment = await localCre(ctx, provider, chainId)
    const decimals = Number(text(ctx.options, 'decimals'))
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 64) {
      throw new CreError(
        `--decimals must be an integer from 0 to 64, not ${text(ctx.options, 'decimals')}`,
        'usage',
      )
    }
    const description = text(ctx.options, 'description')!
    const admin = signer(ctx, provider, 'feed (the key deploys and owns the cache and the proxy)')
    const created = await deployCreFeed(admin, {
      decimals,
      description,
      writers: [
        {
          forwarder: deployment.forwarder,
          workflowOwner: deployment.workflowOwner,
          workflowName: 'por-feed',
        },
      ],
    })
    return {
      lines: [
        `Deployed Chainlink's DataFeedsCache ${created.cacheAddress} (owned by ${await admin.getAddress()}, its feed admin)`,
        `  feed "${description}", data id ${created.dataId} (${decimals} decimals), written only by the rehearsal's ` +
          `por-feed workflow (forwarder ${deployment.forwarder}, owner ${deployment.workflowOwner}, name por-feed)`,
        `  EACAggregatorProxy ${created.proxyAddress}: the reserve feed of the token and of the guard's asset`,
        `In the por-feed config: "dataFeedsCacheAddress": "${created.cacheAddress}", "dataId": "${created.dataId}", ` +
          `"decimals": ${decimals}; in the reserve-guard config, "watchedAggregators": ["${created.cacheAddress}"].`,
      ],
      data: {
        command: 'feed',
        cache: created.cacheAddress,
        dataId: created.dataId,
        proxy: created.proxyAddress,
        decimals,
      },
    }
  } finally {
    provider.destroy()
  }
}

export async function allow(ctx: CommandContext): Promise<CommandResult> {
  const { provider, chainId } = await connect(ctx)
  try {
    const deployment = await localCre(ctx, provider, chainId)
    const address = addressOption(ctx.options, 'guard')
    const admin = signer(ctx, provider, "allow (the guard's receiver admin, or its admin)")
    const self = await admin.getAddress()
    const guard = reserveGuardAt(address, admin)
    const lines: string[] = []
    if (!(await guard.hasRole(Role.RECEIVER_ADMIN, self))) {
      if (!(await guard.hasRole(Role.DEFAULT_ADMIN, self))) {
        throw new CreError(
          `${self} holds neither RECEIVER_ADMIN_ROLE nor the admin role of the guard ${address}`,
        )
      }
      await mined(guard.grantRole(Role.RECEIVER_ADMIN, self))
      lines.push(`Granted RECEIVER_ADMIN_ROLE to ${self} (the guard's admin)`)
    }
    if ((await guard.forwarder()) !== deployment.forwarder) {
      await mined(guard.setForwarder(deployment.forwarder))
      lines.push(
        `setForwarder(${deployment.forwarder}): the guard takes reports from the local KeystoneForwarder`,
      )
    }
    const id = rehearsalWorkflowId(deployment.workflowOwner, 'reserve-guard')
    if (!(await guard.isWorkflowAllowed(id, deployment.workflowOwner))) {
      await mined(guard.allowWorkflow(id, deployment.workflowOwner))
      lines.push(`allowWorkflow(${id}, ${deployment.workflowOwner}): the rehearsal's reserve-guard workflow`)
    }
    if (lines.length === 0)
      lines.push(`The guard ${address} already takes the rehearsal's reserve-guard reports`)
    return {
      lines,
      data: { command: 'allow', guard: address, forwarder: deployment.forwarder, workflowId: id },
    }
  } finally {
    provider.destroy()
  }
}

function readConfig(ctx: CommandContext, name: string): unknown {
  const path = resolve(ctx.env.INIT_CWD ?? process.cwd(), text(ctx.options, name)!)
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CreError(`--${name} ${path}: ${(error as Error).message}`, 'usage')
  }
}

/** What keeps the receivers from taking the rehearsal's reports, with the command that fixes it. */
async function receiverProblems(
  provider: JsonRpcProvider,
  deployment: LocalCreDeployment,
  workflows: RehearsedWorkflow[],
): Promise<string[]> {
  const problems: string[] = []
  const { forwarder, workflowOwner } = deployment
  for (const { name, config } of workflows) {
    const settings = config as Record<string, string>
    if (name === 'reserve-guard' && isAddress(settings.guardAddress)) {
      const guard = reserveGuardAt(settings.guardAddress, provider)
      const id = rehearsalWorkflowId(workflowOwner, name)
      const ready = await Promise.all([guard.forwarder(), guard.isWorkflowAllowed(id, workflowOwner)]).then(
        ([current, allowed]) => current === forwarder && allowed,
        () => false,
      )
      if (!ready) {
        problems.push(
          `the guard ${settings.guardAddress} does not take the rehearsal's reports (its forwarder, or workflow ` +
            `${id} of ${workflowOwner}): npm run cre -- allow --guard ${settings.guardAddress}`,
        )
      }
    }
    if (name === 'por-feed' && isAddress(settings.dataFeedsCacheAddress)) {
      const cache = dataFeedsCacheAt(settings.dataFeedsCacheAddress, provider)
      const writers = await cache.getFeedMetadata(settings.dataId, 0, 100).catch(() => [])
      const allowed = writers.some(
        (w) =>
          w.allowedSender === forwarder &&
          w.allowedWorkflowOwner === workflowOwner &&
          w.allowedWorkflowName === onChainWorkflowName(name),
      )
      if (!allowed) {
        problems.push(
          `the cache ${settings.dataFeedsCacheAddress} does not let the rehearsal's por-feed workflow write data id ` +
            `${settings.dataId} (it would skip every report): deploy one with npm run cre -- feed, or, as its feed ` +
            `admin, add the writer (${forwarder}, ${workflowOwner}, por-feed) with setDecimalFeedConfigs`,
        )
      }
    }
  }
  return problems
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const workflows: RehearsedWorkflow[] = WORKFLOWS.filter((name) => text(ctx.options, name)).map((name) => ({
    name,
    config: readConfig(ctx, name),
  }))
  if (workflows.length === 0) {
    throw new CreError('run needs --por-feed <config.json>, --reserve-guard <config.json>, or both', 'usage')
  }
  const intervalMs = Number(text(ctx.options, 'interval-ms'))
  if (!Number.isInteger(intervalMs) || intervalMs < 10) {
    throw new CreError('--interval-ms must be a whole number of milliseconds, at least 10', 'usage')
  }
  const json = ctx.options.json === true
  const lines: string[] = []
  const say = (line: string) => {
    lines.push(line)
    if (!json) ctx.print(line)
  }
  const { provider, chainId, url } = await connect(ctx)
  const executions: ExecutionReport[] = []
  try {
    const deployment = await localCre(ctx, provider, chainId)
    const problems = await receiverProblems(provider, deployment, workflows)
    let rehearsal: Rehearsal
    try {
      rehearsal = await Rehearsal.create({ provider, deployment, workflows })
    } catch (error) {
      throw new CreError((error as Error).message, 'usage')
    }
    say(
      `CRE rehearsal on chain ${chainId} (${url}): a DON of ${rehearsal.nodes} local nodes, reports through ` +
        `KeystoneForwarder ${deployment.forwarder}. A rehearsal: it does not replace CRE.`,
    )
    for (const { workflow, identity, triggers } of rehearsal.triggers()) {
      say(`  ${workflow} (workflow ID ${identity.id}): ${triggers.map(triggerText).join('; ')}`)
    }
    for (const problem of problems) say(`Problem: ${problem}`)
    rehearsal.on('execution', (report: ExecutionReport) => {
      executions.push(report)
      for (const line of executionLines(report, executions.length)) say(line)
    })
    rehearsal.on('error', (error: Error) => say(`Error: ${error.message.split('\n')[0]}`))
    if (ctx.options.once === true) {
      for (const { workflow, triggers } of rehearsal.triggers()) {
        if (triggers.some((t) => t.kind === 'cron')) await rehearsal.fireCron(workflow)
      }
      // The logs those executions caused, and the logs those cause, a few rounds at most.
      for (let round = 0; round < 5 && (await rehearsal.pollLogs()).length > 0; round++);
    } else {
      say('Firing each cron trigger now, then on its schedule; each log as it is mined. Ctrl-C stops.')
      rehearsal.start(intervalMs)
      await (ctx.interrupted ?? new Promise(() => undefined))
      await rehearsal.stop()
    }
    return { lines, data: { command: 'run', chainId, forwarder: deployment.forwarder, problems, executions } }
  } finally {
    provider.destroy()
  }
}
