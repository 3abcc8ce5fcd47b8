/**
 * The page, rendered on the server from a snapshot: every key figure is in the HTML, so the page is read
 * without JavaScript (it then reloads itself every poll); the script (dashboard/client/) only draws the charts
 * from the figures embedded with them, and swaps in the new `<main>` each poll.
 */
import { formatUnits } from '#common/decimal'
import type {
  AlertView,
  AssetView,
  Freshness,
  PauseEvent,
  ReceiverView,
  Snapshot,
  UpkeepView,
} from '../snapshot'
import { Html, duration, html, jsonScript, link, shortHex, shortNumber, tableHead, utc } from './html'

/** The most history rows the page lists per asset (the latest); the JSON API has them all. */
const HISTORY_ROWS = 50

const VERDICT_TEXT = { backed: 'Backed', short: 'Short', stale: 'Stale' } as const

const assetName = (asset: AssetView) =>
  asset.name ? `${asset.name}${asset.symbol ? ` (${asset.symbol})` : ''}` : shortHex(asset.target)

function alertsSection(alerts: AlertView[]): Html {
  const firing = alerts.filter((a) => a.state === 'firing')
  const pending = alerts.filter((a) => a.state === 'pending')
  const item = (alert: AlertView) =>
    html`<li class="alert alert-${alert.severity}" data-alert="${alert.name}" data-state="${alert.state}">
      <strong>${alert.name}</strong>
      <span class="tag">${alert.severity}, ${alert.state}</span> ${alert.summary}
      <span class="muted">(${alert.source}, since ${utc(Math.floor(alert.since / 1000))})</span>
    </li>`
  return html`<section id="alerts" aria-labelledby="alerts-title">
    <h2 id="alerts-title">Alerts</h2>
    ${
      alerts.length === 0
        ? html`<p class="ok-text">No alert: every condition of the alert rules holds.</p>`
        : html`<p>${firing.length} firing, ${pending.length} pending.</p>
            <ul class="alerts">
              ${[...firing, ...pending].map(item)}
            </ul>`
    }
  </section>`
}

function figures(asset: AssetView, snapshot: Snapshot): Html {
  const over = asset.headroom === undefined ? undefined : BigInt(asset.headroom.units)
  const unit = asset.symbol ? ` ${asset.symbol}` : ''
  return html`<dl class="figures">
    <div>
      <dt>Reserves</dt>
      <dd data-field="reserves">${asset.reserves.text}</dd>
    </div>
    <div>
      <dt>Supply</dt>
      <dd><span data-field="supply">${asset.supply.text}</span>${unit}</dd>
    </div>
    <div>
      <dt>Collateral ratio</dt>
      <dd data-field="ratio">
        ${asset.ratioPercent === undefined ? 'no supply' : `${asset.ratioPercent} %`}
      </dd>
    </div>
    <div>
      <dt>Margin</dt>
      <dd data-field="margin" data-margin-mode="${asset.margin.mode}">${asset.margin.text}</dd>
    </div>
    <div>
      <dt>Required reserves</dt>
      <dd data-field="required">
        ${asset.required === undefined ? 'none back this supply' : asset.required.text}
      </dd>
    </div>
    <div>
      <dt>${over === undefined || over < 0n ? 'Short of the requirement' : 'Over the requirement'}</dt>
      <dd data-field="headroom">
        ${over === undefined ? 'by any amount' : formatUnits(over >= 0n ? over : -over, asset.headroom!.decimals)}
      </dd>
    </div>
    <div>
      <dt>Read at</dt>
      <dd>${link(snapshot.blockUrl, `block ${snapshot.block}`)}</dd>
    </div>
  </dl>`
}

function historyTable(asset: AssetView, index: number): Html {
  const rows = [...asset.history].reverse().slice(0, HISTORY_ROWS)
  return html`<table class="history" data-history="${asset.target}">
      <caption>
        Each round of the reserve feed (latest
        first${asset.history.length > HISTORY_ROWS ? `, ${HISTORY_ROWS} of ${asset.history.length}` : ''}),
        with the supply at its block
      </caption>
      ${tableHead('Block', 'Time', 'Transaction', 'Reserves', 'Supply', 'Ratio', 'Over requirement', 'Verdict then')}
      <tbody>
        ${rows.map(
          (p) =>
            html`<tr data-block="${p.block}">
              <td>${link(p.blockUrl, String(p.block))}</td>
              <td>${utc(p.time)}</td>
              <td>${link(p.txUrl, shortHex(p.tx ?? ''), p.tx)}</td>
              <td class="num" data-field="reserves">${p.reserves.text}</td>
              <td class="num" data-field="supply">${p.supply.text}</td>
              <td class="num">${p.ratioPercent === undefined ? '' : `${p.ratioPercent} %`}</td>
              <td class="num">${p.headroom?.text ?? ''}</td>
              <td>
                ${p.verdict ? html`<span class="verdict verdict-${p.verdict}">${VERDICT_TEXT[p.verdict]}</span>` : html`<span class="muted">not watched</span>`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${rows.length === 0 ? html`<p class="muted" data-chart-empty="${index}">No round of the feed since the first block read.</p>` : ''}`
}

function assetArticle(asset: AssetView, index: number, snapshot: Snapshot): Html {
  const titleId = `asset-${index}-title`
  return html`<article class="asset" data-asset="${asset.target}" aria-labelledby="${titleId}">
    <h3 id="${titleId}">
      ${assetName(asset)}
      <span class="verdict verdict-${asset.verdict}" data-field="verdict"
        >${VERDICT_TEXT[asset.verdict]}</span
      >
      ${asset.paused ? html`<span class="verdict verdict-paused" data-field="paused">Paused</span>` : ''}
    </h3>
    <p class="muted">
      ${link(asset.targetUrl, asset.target)}; the guard's check:
      ${asset.reason === 'None' ? 'backed' : asset.reason},
      ${asset.stalePolicy === 'FailClosed' ? 'fail-closed' : 'skipping stale data'}.
    </p>
    ${figures(asset, snapshot)}
    <div class="explain">${asset.explanation.map((line) => html`<p>${line}</p>`)}</div>
    <figure class="chart-figure">
      <div class="chart" data-chart="${index}" aria-hidden="true"></div>
      <figcaption>
        Reserves, supply and the reserves the margin (${asset.margin.text}) requires at each round of the
        reserve feed, and the collateral ratio. Every point is in the table below, with its block and
        transaction.
      </figcaption>
    </figure>
    ${historyTable(asset, index)} ${asset.historyNote ? html`<p class="note">${asset.historyNote}</p>` : ''}
  </article>`
}

function pausesTable(pauses: PauseEvent[], snapshot: Snapshot): Html {
  const names = new Map(snapshot.assets.map((a) => [a.target.toLowerCase(), assetName(a)]))
  if (pauses.length === 0) return html`<p>No pause or unpause since the first block read.</p>`
  return html`<table class="pauses">
    <caption>
      The guard's pauses and unpauses (latest first)
    </caption>
    ${tableHead('Block', 'Time', 'Event', 'Asset', 'Who', 'Why', 'Transaction')}
    <tbody>
      ${pauses.map(
        (p) =>
          html`<tr data-event="${p.event}" data-block="${p.block}">
            <td>${link(p.blockUrl, String(p.block))}</td>
            <td>${utc(p.time)}</td>
            <td>${p.event}</td>
            <td>${names.get(p.target.toLowerCase()) ?? shortHex(p.target)}</td>
            <td>${p.who}${p.whoAddress ? html` <span class="mono">${shortHex(p.whoAddress)}</span>` : ''}</td>
            <td>${p.why}</td>
            <td>${link(p.txUrl, shortHex(p.tx), p.tx)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`
}

function freshnessLine(label: string, feed: Freshness): Html {
  const state = feed.stale ? 'stale' : 'fresh'
  return html`<p class="freshness-line">
    <strong class="state-${state}" data-field="freshness">${feed.stale ? 'Stale' : 'Fresh'}</strong>
    ${label}
    ${feed.description ? html`“${feed.description}” ` : ''}${link(feed.feedUrl, shortHex(feed.feed), feed.feed)}:
    ${feed.updatedAt === 0 ? 'no answer yet' : html`updated ${utc(feed.updatedAt)}, <span data-field="age">${duration(feed.ageSeconds)}</span> before the block read`};
    heartbeat ${duration(feed.heartbeatSeconds)}.
  </p>`
}

function freshnessPanels(assets: AssetView[]): Html {
  return html`${assets.map((asset) => {
    const stale = asset.reserveFeed.stale || asset.supplyFeed?.stale === true
    return html`<div
      class="freshness ${stale ? 'freshness-stale' : 'freshness-fresh'}"
      data-freshness="${asset.target}"
    >
      <h4>${assetName(asset)}</h4>
      ${freshnessLine('Reserve feed', asset.reserveFeed)}
      ${asset.supplyFeed ? freshnessLine('Supply feed', asset.supplyFeed) : ''}
    </div>`
  })}`
}

function upkeepsTable(upkeeps: UpkeepView[], note?: string): Html {
  const noteLine = note ? html`<p class="note">${note}</p>` : html``
  if (upkeeps.length === 0) return noteLine
  return html`<table class="upkeeps">
      <caption>
        Chainlink Automation 2.3 upkeeps watching the guard
      </caption>
      ${tableHead('Upkeep', 'Trigger', 'State', 'Balance', 'Minimum', 'Last perform', 'Forwarder')}
      <tbody>
        ${upkeeps.map(
          (u) =>
            html`<tr data-upkeep="${u.id}">
              <td class="mono" title="${u.id}">${shortNumber(u.id)}</td>
              <td>
                ${u.trigger}${u.listensTo ? html`, listens to <span class="mono">${shortHex(u.listensTo)}</span>` : ''}
              </td>
              <td>${u.state}</td>
              <td class="num ${u.underfunded ? 'bad' : ''}">
                ${u.balance.text}
                ${u.balance.symbol}${u.underfunded ? html` <strong>(underfunded: not performed)</strong>` : ''}
              </td>
              <td class="num">${u.minBalance.text} ${u.minBalance.symbol}</td>
              <td>
                ${u.lastPerform ? html`${link(u.lastPerform.blockUrl, `block ${u.lastPerform.block}`)}, ${link(u.lastPerform.txUrl, shortHex(u.lastPerform.tx ?? ''), u.lastPerform.tx)}${u.lastPerform.success ? '' : html` <strong class="bad">failed</strong>`}` : 'never'}
              </td>
              <td>
                <span class="mono">${shortHex(u.forwarder)}</span>
                ${u.forwarderAllowed ? html`holds FORWARDER_ROLE` : html`<strong class="bad">does not hold FORWARDER_ROLE</strong>`}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${noteLine}`
}

function receiversPart(receivers: ReceiverView[]): Html {
  return html`${receivers.map(
    (r) =>
      html`<div class="receiver" data-receiver="${r.address}">
        <h4><span class="mono">${shortHex(r.address)}</span>: ${r.role}</h4>
        <p>
          ${r.forwarder ? html`Takes reports from the KeystoneForwarder <span class="mono">${shortHex(r.forwarder)}</span>. ` : ''}${
            r.workflows.length > 0
              ? html`Workflows allowed:
                ${r.workflows.map((w, i) => html`${i > 0 ? ', ' : ''}<span class="mono">${w}</span>`)}.`
              : ''
          }
        </p>
        ${r.note ? html`<p class="note">${r.note}</p>` : ''}
        ${
          r.lastReports.length === 0
            ? html`<p>No report yet.</p>`
            : html`<ul>
                ${r.lastReports.map((report) => html`<li>${link(report.blockUrl, `block ${report.block}`)}: ${report.outcome}; ${report.detail} (${link(report.txUrl, shortHex(report.tx ?? ''), report.tx)})</li>`)}
              </ul>`
        }
      </div>`,
  )}`
}

function adaptersTable(snapshot: Snapshot): Html {
  if (snapshot.adapters.length === 0) return html`<p>No adapter is watched: pass <code>--adapter</code>.</p>`
  return html`<table class="adapters">
    <caption>
      Each adapter's health and the staleness of its figures, from its /metrics
    </caption>
    ${tableHead('Adapter', 'Health', 'Endpoint', 'Oldest figure', 'Requests served a stale figure', 'Requests with no figure')}
    <tbody>
      ${snapshot.adapters.map((a) => {
        const health =
          a.healthy === undefined
            ? ''
            : a.healthy
              ? `healthy${a.version ? ` (${a.version})` : ''}`
              : 'NOT healthy'
        const status = a.scraped
          ? health
          : html`<strong class="bad">metrics unreadable: ${a.error}</strong> ${health}`
        const endpoints = a.endpoints.length > 0 ? a.endpoints : [{ endpoint: '' }]
        return endpoints.map(
          (e, i) =>
            html`<tr data-adapter="${a.name}">
              ${
                i === 0
                  ? html`<th scope="row" rowspan="${endpoints.length}">${a.name}</th>
                      <td
                        rowspan="${endpoints.length}"
                        class="${a.healthy === false || !a.scraped ? 'bad' : ''}"
                      >
                        ${status}
                      </td>`
                  : ''
              }
              <td>${e.endpoint}</td>
              <td class="num">
                ${'oldestFigureAgeSeconds' in e && e.oldestFigureAgeSeconds !== undefined ? duration(e.oldestFigureAgeSeconds) : ''}
              </td>
              <td class="num ${'staleRequests' in e && (e.staleRequests ?? 0) > 0 ? 'bad' : ''}">
                ${'staleRequests' in e ? e.staleRequests : ''}
              </td>
              <td class="num ${'unservedRequests' in e && (e.unservedRequests ?? 0) > 0 ? 'bad' : ''}">
                ${'unservedRequests' in e ? e.unservedRequests : ''}
              </td>
            </tr>`,
        )
      })}
    </tbody>
  </table>`
}

/**
 * The chart's figures: each asset's history, then the figures at the block read (the guard's own), the amounts as
 * decimal strings (the script plots them).
 */
function chartData(snapshot: Snapshot) {
  return snapshot.assets.map((asset) => ({
    name: assetName(asset),
    points: [
      ...asset.history.map((p) => ({
        time: p.time,
        block: p.block,
        blockUrl: p.blockUrl,
        reserves: p.reserves.text,
        supply: p.supply.text,
        ratio: p.ratioPercent,
        required: p.required?.text,
      })),
      {
        time: snapshot.blockTime,
        block: snapshot.block,
        blockUrl: snapshot.blockUrl,
        reserves: asset.reserves.text,
        supply: asset.supply.text,
        ratio: asset.ratioPercent,
        required: asset.required?.text,
      },
    ],
  }))
}

/** The `<main>` of the page: everything that changes from one poll to the next. */
export function renderMain(snapshot: Snapshot): Html {
  return html`<main
    id="main"
    data-block="${snapshot.block}"
    data-taken-at="${snapshot.takenAt}"
    data-poll-ms="${snapshot.pollMs}"
  >
    <p class="status" role="status">
      Read at ${link(snapshot.blockUrl, `block ${snapshot.block}`)} (${utc(snapshot.blockTime)}),
      ${snapshot.network.name}; refreshed every ${formatUnits(BigInt(snapshot.pollMs), 3)} s.
      ${snapshot.readError ? html`<strong class="bad">The last read failed: ${snapshot.readError}. The figures are from the last read that did not.</strong>` : ''}
    </p>
    ${alertsSection(snapshot.alerts)}
    <section id="holders" aria-labelledby="holders-title">
      <h2 id="holders-title">For token holders</h2>
      ${snapshot.assets.length === 0 ? html`<p>The guard protects no asset.</p>` : snapshot.assets.map((a, i) => assetArticle(a, i, snapshot))}
    </section>
    <section id="issuer" aria-labelledby="issuer-title">
      <h2 id="issuer-title">For the issuer</h2>
      <h3>Pauses and unpauses</h3>
      ${pausesTable(snapshot.pauses, snapshot)}
      <h3>Feed freshness</h3>
      ${freshnessPanels(snapshot.assets)}
      <h3>Automation upkeeps</h3>
      ${upkeepsTable(snapshot.upkeeps, snapshot.upkeepsNote)}
      <h3>CRE receivers</h3>
      ${receiversPart(snapshot.receivers)}
      <h3>Adapters</h3>
      ${adaptersTable(snapshot)}
    </section>
    <script type="application/json" id="chart-data">
      ${jsonScript(chartData(snapshot))}
    </script>
  </main>`
}

/** The whole page. */
export function renderPage(snapshot: Snapshot | undefined): string {
  const refresh = snapshot ? Math.max(1, Math.round(snapshot.pollMs / 1000)) : 2
  const body = snapshot
    ? renderMain(snapshot)
    : html`<main id="main" data-block="0" data-taken-at="0" data-poll-ms="1000">
        <p role="status">Reading the chain for the first time…</p>
      </main>`
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Proof of reserve${snapshot ? `: guard ${shortHex(snapshot.guard)}` : ''}</title>
        <noscript><meta http-equiv="refresh" content="${refresh}" /></noscript>
        <link rel="stylesheet" href="/static/uPlot.min.css" />
        <link rel="stylesheet" href="/static/dashboard.css" />
        <script src="/static/dashboard.js" defer></script>
      </head>
      <body>
        <header>
          <h1>
            Proof of
            reserve${snapshot ? html` <span class="mono">${link(snapshot.guardUrl, snapshot.guard)}</span>` : ''}
          </h1>
          <p>
            What a Chainlink Proof-of-Reserve guard sees: each token's reserves against its supply, read from
            the chain and judged by the guard's own rules; and what keeps it watching.
          </p>
          <nav aria-label="Sections">
            <a href="#alerts">Alerts</a> · <a href="#holders">For token holders</a> ·
            <a href="#issuer">For the issuer</a>
          </nav>
        </header>
        ${body}
        <footer>
          <p>
            Read from the chain through its RPC; nothing here is stored. The same figures as JSON:
            <a href="/api/snapshot">/api/snapshot</a>; the alert conditions as Prometheus metrics:
            <a href="/metrics">/metrics</a> (their rules:
            docs/reserve-alerts.rules.yml).${snapshot?.webhook ? ` Alerts are posted to ${snapshot.webhook.host}${snapshot.webhook.last ? `; last delivery: ${snapshot.webhook.last.error ?? `HTTP ${snapshot.webhook.last.status}`}` : ''}.` : ''}
          </p>
        </footer>
      </body>
    </html> `.text
}
