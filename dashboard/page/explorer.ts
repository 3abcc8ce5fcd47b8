/**
 * The dashboard's own block, transaction and address pages, for a chain no explorer indexes (a local chain):
 * what a point or an event links to. A transaction's logs are decoded with the ABIs of the contracts the page
 * shows (the guard, the token, the feed, Automation's registry, the KeystoneForwarder, the DataFeedsCache).
 */
import { Interface, ZeroAddress, type InterfaceAbi, type JsonRpcProvider } from 'ethers'
import { readArtifact } from '#chain/artifacts'
import { ARTIFACT } from '#chain/contracts'
import { aggregatorV3Interface } from '#chain/abi'
import { registryInterface } from '#chain/automation'
import { Html, html, link, tableHead, utc } from './html'

/** The ABIs a log is decoded with, tried in turn. */
let decoders: Interface[] | undefined
function logDecoders(): Interface[] {
  decoders ??= [
    ...(
      ['ReserveGuard', 'SecureMintToken', 'KeystoneForwarder', 'DataFeedsCache', 'FluxAggregator'] as const
    ).map((name) => new Interface(readArtifact(ARTIFACT[name]).abi as InterfaceAbi)),
    aggregatorV3Interface,
    registryInterface(),
  ]
  return decoders
}

function decode(topics: readonly string[], data: string): string | undefined {
  for (const iface of logDecoders()) {
    try {
      const parsed = iface.parseLog({ topics: [...topics], data })
      if (parsed) {
        const args = parsed.fragment.inputs.map((input, i) => `${input.name}=${String(parsed.args[i])}`)
        return `${parsed.name}(${args.join(', ')})`
      }
    } catch {
      // another contract's event with the same topic, decoded differently: try the next ABI
    }
  }
  return undefined
}

function page(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/static/dashboard.css" />
      </head>
      <body>
        <header>
          <h1>${title}</h1>
          <nav aria-label="Back"><a href="/">Back to the dashboard</a></nav>
        </header>
        <main>${body}</main>
      </body>
    </html> `.text
}

const row = (name: string, value: Html | string) =>
  html`<tr>
    <th scope="row">${name}</th>
    <td>${value}</td>
  </tr>`

/** A block: its time, hash and transactions. Undefined when the chain has no such block. */
export async function blockPage(provider: JsonRpcProvider, number: number): Promise<string | undefined> {
  const block = await provider.getBlock(number)
  if (!block) return undefined
  return page(
    `Block ${block.number}`,
    html`<table>
      <caption>
        Block ${block.number}
      </caption>
      <tbody>
        ${row('time', utc(block.timestamp))} ${row('hash', html`<span class="mono">${block.hash}</span>`)}
        ${row('parent', link(`/block/${block.number - 1}`, block.parentHash))}
        ${row('transactions', html`${block.transactions.map((hash) => html`<div>${link(`/tx/${hash}`, hash)}</div>`)}`)}
      </tbody>
    </table>`,
  )
}

/** A transaction: who sent it where, whether it succeeded, and its logs decoded. */
export async function txPage(provider: JsonRpcProvider, hash: string): Promise<string | undefined> {
  const [tx, receipt] = await Promise.all([
    provider.getTransaction(hash),
    provider.getTransactionReceipt(hash),
  ])
  if (!tx) return undefined
  const logs = receipt?.logs ?? []
  return page(
    `Transaction ${hash.slice(0, 10)}…`,
    html`<table>
        <caption>
          Transaction
        </caption>
        <tbody>
          ${row('hash', html`<span class="mono">${hash}</span>`)}
          ${row('block', tx.blockNumber === null ? 'pending' : link(`/block/${tx.blockNumber}`, String(tx.blockNumber)))}
          ${row('from', html`<span class="mono">${tx.from}</span>`)}
          ${row('to', html`<span class="mono">${tx.to ?? ZeroAddress} ${tx.to ? '' : '(a deployment)'}</span>`)}
          ${row('status', receipt ? (receipt.status === 1 ? 'succeeded' : 'reverted') : 'pending')}
          ${row('gas used', receipt ? receipt.gasUsed.toLocaleString('en-US') : '')}
        </tbody>
      </table>
      <table>
        <caption>
          Events (${logs.length})
        </caption>
        ${tableHead('#', 'Emitted by', 'Event')}
        <tbody>
          ${logs.map(
            (log) =>
              html`<tr>
                <td>${log.index}</td>
                <td class="mono">${log.address}</td>
                <td class="mono">${decode(log.topics, log.data) ?? `${log.topics[0]} (not decoded)`}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  )
}

/** An address: whether it holds code. */
export async function addressPage(provider: JsonRpcProvider, address: string): Promise<string> {
  const code = await provider.getCode(address)
  return page(
    `Address ${address}`,
    html`<p class="mono">${address}</p>
      <p>
        ${code === '0x' ? 'An account (no code).' : `A contract (${(code.length - 2) / 2} bytes of code).`}
      </p>`,
  )
}
