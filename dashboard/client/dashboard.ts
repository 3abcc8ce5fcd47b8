/**
 * The page's script, an enhancement: every figure is already in the server's HTML. It draws each asset's chart
 * with uPlot from the figures embedded in the page (`#chart-data`, amounts as decimal strings: turned into
 * floats only to place points, while the legend shows the exact text), lets a click on the chart open the
 * point's block, and every poll swaps in the server's new `<main>` when it changed.
 *
 * Bundled with uPlot by the dashboard's server at start (esbuild), served as /static/dashboard.js.
 */
import uPlot from 'uplot'

interface ChartPoint {
  time: number
  block: number
  blockUrl: string
  reserves: string
  supply: string
  ratio?: string
  /** the reserves the margin requires for the supply then; absent when none back it */
  required?: string
}

interface ChartAsset {
  name: string
  points: ChartPoint[]
}

const charts: uPlot[] = []

/** A decimal string as a position on the chart: the only place a float is made. */
const position = (text: string | undefined): number | null => (text === undefined ? null : Number(text))

function chartOf(element: HTMLElement, asset: ChartAsset): uPlot | undefined {
  const { points } = asset
  if (points.length === 0) return undefined
  const exact =
    (pick: (p: ChartPoint) => string | undefined, unit = '') =>
    (_u: uPlot, _v: number, _s: number, i: number | null) =>
      i === null ? '–' : `${pick(points[i]) ?? '–'}${unit}`
  // Axis labels in a compact form (1.2B): they place the eye; the legend and the table give the exact figures.
  const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 3 })
  // A feed's answer holds until the next round: steps, not slopes.
  const stepped = uPlot.paths.stepped!({ align: 1 })
  const line = (label: string, scale: string, stroke: string, width: number, dash?: number[]) => ({
    label,
    scale,
    stroke,
    width,
    dash,
    paths: stepped,
  })
  const options: uPlot.Options = {
    width: Math.max(320, element.clientWidth),
    height: 260,
    scales: { x: { time: true }, amount: {}, percent: {} },
    series: [
      {
        label: 'time (UTC)',
        value: (_u, v) =>
          v === null ? '–' : new Date(v * 1000).toISOString().replace('T', ' ').slice(0, 19),
      },
      { ...line('reserves', 'amount', '#0b6b2f', 2), value: exact((p) => p.reserves) },
      { ...line('supply', 'amount', '#0a58ca', 2, [6, 4]), value: exact((p) => p.supply) },
      { ...line('ratio', 'percent', '#7a4a00', 1.5), value: exact((p) => p.ratio, ' %') },
      { ...line('required reserves', 'amount', '#a4001d', 1, [2, 3]), value: exact((p) => p.required) },
    ],
    axes: [
      {},
      { scale: 'amount', size: 64, values: (_u, ticks) => ticks.map((t) => compact.format(t)) },
      {
        scale: 'percent',
        side: 1,
        size: 76,
        grid: { show: false },
        values: (_u, ticks) => ticks.map((t) => `${t} %`),
      },
    ],
  }
  const data: uPlot.AlignedData = [
    points.map((p) => p.time),
    points.map((p) => position(p.reserves)),
    points.map((p) => position(p.supply)),
    points.map((p) => position(p.ratio)),
    points.map((p) => position(p.required)),
  ]
  const chart = new uPlot(options, data, element)
  // A click opens the block of the point under the cursor.
  chart.over.addEventListener('click', () => {
    const index = chart.cursor.idx
    if (index !== null && index !== undefined) window.location.href = points[index].blockUrl
  })
  return chart
}

function drawCharts(): void {
  for (const chart of charts.splice(0)) chart.destroy()
  const source = document.getElementById('chart-data')
  if (!source?.textContent) return
  const assets = JSON.parse(source.textContent) as ChartAsset[]
  document.querySelectorAll<HTMLElement>('[data-chart]').forEach((element) => {
    const asset = assets[Number(element.dataset.chart)]
    const chart = asset && chartOf(element, asset)
    if (chart) charts.push(chart)
  })
}

/** Asks for the new `<main>`, and puts it in place of the old one when it is from a later poll. */
async function refresh(): Promise<void> {
  const current = document.querySelector<HTMLElement>('main')
  let text: string
  try {
    const answer = await fetch('/?part=main', { headers: { accept: 'text/html' } })
    if (!answer.ok) return
    text = await answer.text()
  } catch {
    return // the dashboard is away: the page keeps its last figures, and asks again at the next poll
  }
  const next = new DOMParser().parseFromString(text, 'text/html').querySelector<HTMLElement>('main')
  if (!current || !next || next.dataset.takenAt === current.dataset.takenAt) return
  current.replaceWith(next)
  drawCharts()
}

function start(): void {
  drawCharts()
  const pollMs = Number(document.querySelector<HTMLElement>('main')?.dataset.pollMs ?? 0)
  if (pollMs > 0) setInterval(() => void refresh(), pollMs)
  let resized: number | undefined
  window.addEventListener('resize', () => {
    clearTimeout(resized)
    resized = window.setTimeout(drawCharts, 200)
  })
}

start()
