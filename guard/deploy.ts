/**
 * Deploying: `deploy` (a ReserveGuard, and optionally a SecureMintToken on a reserve feed and a PoRAddressList),
 * and the local rehearsal: `local-feed` (a PoR feed on a development chain: Chainlink's FluxAggregator behind
 * its EACAggregatorProxy, the key as its one oracle, as devkit/data-feeds.ts deploys it; or a new answer for
 * such a feed) and `local` (that feed, then `deploy`, `add-asset`, `grant-role` and `mint` as a user would run
 * them, each printed as its command line).
 */
import { getCreateAddress, type Signer } from 'ethers'
import {
  eacAggregatorProxyAt,
  fluxAggregatorAt,
  porAddressListCreation,
  reserveGuardCreation,
  secureMintTokenCreation,
  type Creation,
} from '#chain/contracts'
import { DEV_CHAIN_IDS, isDevChain } from '#common/evm-chains'
import { CliError, type ParsedOptions } from '#devkit/cli'
import { signerFromEnv, type PlannedTx } from '#devkit/chain-cli'
import { deployAggregatorFeed, submitAnswer } from '#devkit/data-feeds'
import { showTokenRules, tokenRulesArgs, tokenRulesFrom } from './asset-config'
import { addAsset } from './assets'
import { parseAmount, parseDuration, showDelay, showUnits } from './format'
import { emptyResult, execute, type CommandContext, type CommandResult } from './plan'
import { grantRole } from './roles'
import { mint } from './token'
import { ENV, addressOption, connect, openSession, text, where, type Connection } from './session'
import { feedAge, feedLine, unitOf } from './status'

/** The longest admin delay: a `uint48` of seconds. */
const MAX_DELAY = 2 ** 48 - 1

function delayOption(options: ParsedOptions, name: string, fallback?: string): number {
  const value = text(options, name) ?? fallback
  if (value === undefined) throw new CliError(`--${name} <duration> is required`, 'usage')
  const seconds = parseDuration(value, `--${name}`)
  if (seconds > MAX_DELAY) throw new CliError(`--${name} must fit a uint48 of seconds`, 'usage')
  return seconds
}

function creationTx(creation: Creation, description: string): PlannedTx {
  return {
    value: 0n,
    data: creation.data,
    description,
    iface: creation.iface,
    deploys: { contract: creation.contract, bytecode: creation.bytecode },
  }
}

/** `--network <name>` as the user gave it, for the commands printed next. */
function networkFlag(connection: Connection, options: ParsedOptions): string {
  const name = text(options, 'network') ?? connection.network
  return name ? ` --network ${name}` : ''
}

export async function deploy(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('deploy')
  const session = await openSession(options, ctx.env, 'deploy (the key pays for the deployments)')
  const { provider } = session.connection
  const admin = addressOption(options, 'admin') ?? session.from
  const delay = delayOption(options, 'delay')
  const notes: string[] = []
  const warnings: string[] = []
  const deployed: { name: string; tx: PlannedTx; summary: string }[] = []
  deployed.push({
    name: 'guard',
    tx: creationTx(
      reserveGuardCreation(admin, delay),
      `deploy a ReserveGuard administered by ${admin}, admin delay ${showDelay(delay)}`,
    ),
    summary: `ReserveGuard, admin ${admin}, admin delay ${showDelay(delay)}`,
  })
  const name = text(options, 'token-name')
  const symbol = text(options, 'token-symbol')
  if (name !== undefined || symbol !== undefined) {
    if (!name || !symbol) throw new CliError('a token needs both --token-name and --token-symbol', 'usage')
    const rules = tokenRulesFrom(options)
    if ((await provider.getCode(rules.reserveFeed)) === '0x') {
      throw new CliError(`the feed ${rules.reserveFeed} is not a contract on this chain`, 'usage')
    }
    const block = (await provider.getBlock('latest'))!
    const age = await feedAge(
      provider,
      rules.reserveFeed,
      rules.heartbeat,
      BigInt(block.timestamp),
      block.number,
    )
    ;(age.stale === false ? notes : warnings).push(
      `${feedLine("the token's reserve feed", age, BigInt(block.timestamp))}${age.stale === false ? '' : ': the token refuses every mint until it is fresh'}`,
    )
    const tokenDelay = delayOption(options, 'token-delay', text(options, 'delay'))
    deployed.push({
      name: 'token',
      tx: creationTx(
        secureMintTokenCreation(name, symbol, admin, tokenDelay, ...tokenRulesArgs(rules)),
        `deploy the SecureMintToken ${symbol} ("${name}"): ${showTokenRules(rules)}, admin ${admin}, admin delay ${showDelay(tokenDelay)}`,
      ),
      summary: `SecureMintToken ${symbol}, ${showTokenRules(rules)}`,
    })
  }
  const listed = (options['list-address'] as string[] | undefined) ?? []
  if (options['address-list'] === true || listed.length > 0) {
    deployed.push({
      name: 'addressList',
      tx: creationTx(
        porAddressListCreation(admin, listed),
        `deploy a PoRAddressList administered by ${admin}, with ${listed.length} address(es)`,
      ),
      summary: `PoRAddressList, ${listed.length} address(es), managed by ${admin}`,
    })
  }
  if (admin.toLowerCase() !== session.from.toLowerCase()) {
    notes.push(
      `the admin is ${admin}, not the sender: wiring the guard (add-asset, grant-role) takes the admin's key`,
    )
  }
  const nonce = await provider.getTransactionCount(session.from, 'pending')
  result.lines.push(`Deploying on ${where(session.connection)} from ${session.from}:`)
  const receipts = await execute(
    session,
    { transactions: deployed.map((d) => d.tx), notes, warnings },
    result,
  )
  const addresses = deployed.map((_, i) =>
    session.dryRun
      ? getCreateAddress({ from: session.from, nonce: nonce + i })
      : receipts[i].contractAddress!,
  )
  const said = session.dryRun ? 'would be' : 'is'
  deployed.forEach((d, i) => {
    result.data[d.name] = addresses[i]
    result.lines.push(`${d.summary}: ${said} at ${addresses[i]}`)
  })
  if (session.dryRun)
    result.lines.push("(addresses predicted from the sender's nonce: another transaction first changes them)")
  const flag = networkFlag(session.connection, options)
  const guard = addresses[0]
  const token = deployed.findIndex((d) => d.name === 'token')
  result.lines.push("Next, with the admin's key:")
  if (token >= 0)
    result.lines.push(`  npm run guard -- add-asset${flag} --guard ${guard} --target ${addresses[token]}`)
  else
    result.lines.push(
      `  npm run guard -- add-asset${flag} --guard ${guard} --target <the token> --feed <its reserve feed>`,
    )
  result.lines.push(
    `  npm run guard -- grant-role${flag} --guard ${guard} --role GUARDIAN --account <the incident team>`,
    `  npm run guard -- grant-role${flag} --guard ${guard} --role UNPAUSER --account <who unpauses>`,
    `  npm run upkeeps -- register${flag} --guard ${guard} --amount <LINK>`,
  )
  return result
}

/** The key for a local rehearsal, on a development chain only. */
async function localSigner(
  ctx: CommandContext,
  purpose: string,
): Promise<{ connection: Connection; signer: Signer; from: string }> {
  const connection = await connect(ctx.options, ctx.env)
  if (!isDevChain(connection.chainId)) {
    connection.provider.destroy()
    throw new CliError(
      `${purpose} is a rehearsal on a development chain (${DEV_CHAIN_IDS.join(', ')}), and chain ${connection.chainId} is ` +
        'not one: point --rpc-url at a local node (npx hardhat node)',
      'usage',
    )
  }
  const signer = signerFromEnv(
    ctx.env,
    ENV.privateKey,
    connection.provider,
    `${purpose} (the key deploys and answers the feed)`,
  )
  return { connection, signer, from: await signer.getAddress() }
}

export async function localFeed(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('local-feed')
  const { connection, signer, from } = await localSigner(ctx, 'local-feed')
  const existing = addressOption(options, 'feed')
  const reserves = text(options, 'reserves')!
  if (existing) {
    const proxy = eacAggregatorProxyAt(existing, connection.provider)
    const aggregator = fluxAggregatorAt(await proxy.aggregator().catch(() => existing), connection.provider)
    const oracles = await aggregator.getOracles().catch(() => undefined)
    if (!oracles?.some((o) => o.toLowerCase() === from.toLowerCase())) {
      throw new CliError(
        `${existing} is not a feed of local-feed whose oracle is ${from}: give it an answer with the key that deployed it`,
        'refused',
      )
    }
    const decimals = Number(await aggregator.decimals())
    const answer = parseAmount(reserves, decimals, '--reserves')
    const receipt = await submitAnswer(aggregator, signer, answer)
    const round = await aggregator.latestRound()
    Object.assign(result.data, {
      feed: existing,
      aggregator: await aggregator.getAddress(),
      answer: answer.toString(),
      decimals,
      round: Number(round),
    })
    result.lines.push(
      `The feed ${existing} answers ${showUnits(answer, decimals, unitOf(await aggregator.description()))} from round ${round} (block ${receipt.blockNumber}).`,
    )
    return result
  }
  const decimals = Number(text(options, 'decimals'))
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
    throw new CliError('--decimals is a whole number from 0 to 36', 'usage')
  const unit = text(options, 'unit')!
  const answer = parseAmount(reserves, decimals, '--reserves')
  const feed = await deployAggregatorFeed(signer, signer, { decimals, description: `${unit} PoR` })
  await feed.submit(answer)
  const aggregator = await feed.aggregator.getAddress()
  Object.assign(result.data, { feed: feed.proxyAddress, aggregator, answer: answer.toString(), decimals })
  result.lines.push(
    `A PoR feed "${unit} PoR" on ${where(connection)}, for rehearsals: Chainlink's FluxAggregator ${aggregator}, ` +
      `with ${from} as its one oracle, behind Chainlink's EACAggregatorProxy ${feed.proxyAddress}, the feed's address.`,
    `It answers ${showUnits(answer, decimals, unit)} (${decimals} decimals). A new answer: npm run guard -- local-feed --feed ${feed.proxyAddress} --reserves <amount>`,
  )
  return result
}

/** Runs one of this tool's commands as part of `local`, printing its command line and what it said. */
async function step(
  ctx: CommandContext,
  result: CommandResult,
  command: string,
  run: (ctx: CommandContext) => Promise<CommandResult>,
  options: Record<string, string>,
): Promise<CommandResult> {
  const line = Object.entries(options)
    .map(([name, value]) => ` --${name} ${/\s/.test(value) ? JSON.stringify(value) : value}`)
    .join('')
  result.lines.push('', `$ npm run guard -- ${command} --network local${line}`)
  const passed: ParsedOptions = { network: 'local', ...options }
  if (ctx.options['rpc-url'] !== undefined) passed['rpc-url'] = ctx.options['rpc-url']
  const done = await run({ options: passed, env: ctx.env })
  result.lines.push(...done.lines)
  return done
}

export async function local(ctx: CommandContext): Promise<CommandResult> {
  const { options } = ctx
  const result = emptyResult('local')
  const { connection, from } = await localSigner(ctx, 'local')
  connection.provider.destroy()
  result.lines.push(
    `A guarded token for rehearsals, on ${where(connection)}, from ${from}: the commands it runs, then what each said.`,
  )
  const unit = text(options, 'unit')!
  const feed = await step(ctx, result, 'local-feed', localFeed, {
    reserves: text(options, 'reserves')!,
    decimals: text(options, 'decimals')!,
    unit,
  })
  const feedAddress = feed.data.feed as string
  const deployed = await step(ctx, result, 'deploy', deploy, {
    delay: text(options, 'delay')!,
    'token-name': text(options, 'token-name')!,
    'token-symbol': text(options, 'token-symbol')!,
    feed: feedAddress,
    heartbeat: text(options, 'heartbeat')!,
  })
  const guard = deployed.data.guard as string
  const token = deployed.data.token as string
  await step(ctx, result, 'add-asset', addAsset, { guard, target: token })
  const supply = text(options, 'supply')!
  if (supply !== '0') {
    await step(ctx, result, 'grant-role', grantRole, { token, role: 'MINTER', account: from })
    await step(ctx, result, 'mint', mint, { token, amount: supply })
  }
  Object.assign(result.data, { feed: feedAddress, aggregator: feed.data.aggregator, guard, token })
  result.lines.push(
    '',
    `Ready: the guard ${guard} protects the token ${token}, whose reserve feed is ${feedAddress}.`,
    `  npm run guard -- status --network local --guard ${guard}`,
    `  npm run guard -- local-feed --network local --feed ${feedAddress} --reserves <less than the supply>   # a shortfall`,
  )
  return result
}
