/**
 * Recorded provider fixtures for tests: answers recorded from a live provider, replayed by nock
 * with no network. Importing this module switches nock's interception on for the test file;
 * tests that must not load nock (loopback proxies that destroy sockets) do not import it.
 *
 * The mode comes from `NOCK_BACK_MODE` (nock.back's names):
 *
 * - `lockdown` (the default): fixtures only; any other request fails. A missing fixture is an
 *   error saying how to record it.
 * - `record`: a fixture that exists is replayed; a missing one (or an empty one) is recorded.
 * - `update`: every recordable fixture is recorded again, replacing the old one.
 * - `dryrun`: fixtures, and the network for anything else; nothing recorded. `wild`: the
 *   network only.
 *
 * What recording does, and why (nock.back's own record and update modes do otherwise):
 *
 * - A fixture is the union of what every test using it asked, in one run: tests sharing a
 *   fixture each add their requests. (nock.back recorded the first test's requests only, then
 *   replayed that for the next ones, which failed; in `update` the last test, asking nothing,
 *   left the file `[]`.)
 * - Nothing is written until something was answered, and never an empty fixture: an offline
 *   attempt leaves the old fixture, or none, so a later `record` records. (nock.back wrote `[]`,
 *   and `record` then replayed it for ever.)
 * - Bodies are kept byte for byte: JSON is stored as an object only when that writes it back
 *   exactly, otherwise as its text; nock's recorder parsed JSON, losing the digits of a figure
 *   beyond a float's precision and the bytes a signature covers.
 * - The provider is recorded as the adapter asks it: through `fetch`, which every provider
 *   client here uses (`#common/provider-client`, `#common/evm-rpc`). Request headers are not
 *   recorded (API keys travel there); a key in a URL's query would be: read a fixture before
 *   committing it.
 * - {@link fixtureRecording} writes into the fixture when it was recorded and with which
 *   settings (the provider's URL, the inputs asked), and gives them back on replay: the replay
 *   runs at the recording's instant, against the recorded URL, with no edit to the test.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import nock from 'nock'

type FixtureMode = 'wild' | 'dryrun' | 'record' | 'update' | 'lockdown'
const MODES: readonly FixtureMode[] = ['wild', 'dryrun', 'record', 'update', 'lockdown']

/** One recorded request and its answer, in nock's definition format. */
export interface Interaction {
  scope: string
  method: string
  path: string
  /** The request body: parsed JSON, or text. */
  body?: unknown
  /**
   * Request headers the request must carry to be answered (written by hand: a recording never
   * holds request headers).
   */
  reqheaders?: Record<string, string>
  status: number
  /**
   * The answer's body: a JSON value (sent re-serialized: only for JSON that this writes back
   * exactly), text (sent byte for byte), or hex with `responseIsBinary`.
   */
  response?: unknown
  responseIsBinary?: boolean
  rawHeaders?: Record<string, string>
}

/** When a fixture was recorded, and the test's settings then. */
export interface Recorded {
  /** The instant, ISO-8601. */
  at: string
  /** The test's own recording settings (the provider URL, the inputs asked), as text. */
  with?: Record<string, string>
}

/**
 * A fixture file as devkit writes it. A plain array of interactions (nock.back's format, or
 * written by hand) is read too, and is never recorded over unless the mode says so.
 */
export interface FixtureFile {
  recorded: Recorded
  interactions: Interaction[]
}

/** The mode `NOCK_BACK_MODE` names (lockdown unless set). */
export function fixtureMode(): FixtureMode {
  const mode = process.env.NOCK_BACK_MODE ?? 'lockdown'
  if (!MODES.includes(mode as FixtureMode)) {
    throw new Error(`NOCK_BACK_MODE=${mode} is not a mode: one of ${MODES.join(', ')}`)
  }
  return mode as FixtureMode
}

/** Response headers not recorded: they describe the transfer, not the answer, or carry a session. */
const UNRECORDED_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'keep-alive',
  'set-cookie',
  'transfer-encoding',
])

/** When the test file started, before any test froze the clock: a recording's instant. */
const STARTED = Date.now()

let fixturesDir: string | undefined

/** One fixture file's state in this test file, decided at its first use. */
interface FixtureState {
  file: string
  /** Recorded in this run (otherwise replayed). */
  recording: boolean
  /** A test has used it. */
  used?: boolean
  /** What the file holds (replay), or what this run recorded so far (recording). */
  interactions: Interaction[]
  recorded?: Recorded
}
const fixtures = new Map<string, FixtureState>()

/** Points the fixtures at `dir` (`<dir>/<name>.json`). */
export function useFixtures(dir: string): void {
  fixturesDir = dir
  fixtureMode()
}

function fixtureFile(name: string): string {
  if (!fixturesDir) throw new Error('useFixtures(dir) must be called before a fixture is used')
  return join(fixturesDir, `${name}.json`)
}

const shown = (file: string) => relative(process.cwd(), file)

/** Reads a fixture file: devkit's object, or a plain array of interactions. */
export function readFixture(file: string): { recorded?: Recorded; interactions: Interaction[] } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown
  if (Array.isArray(json)) return { interactions: json as Interaction[] }
  const fixture = json as Partial<FixtureFile>
  if (typeof fixture !== 'object' || fixture === null || !Array.isArray(fixture.interactions)) {
    throw new Error(`${shown(file)} is not a fixture: a list of interactions, or { recorded, interactions }`)
  }
  return { recorded: fixture.recorded, interactions: fixture.interactions }
}

function stateOf(name: string, replayOnly: boolean): FixtureState {
  const file = fixtureFile(name)
  let state = fixtures.get(file)
  if (state) return state
  const mode = fixtureMode()
  const existing = existsSync(file) ? readFixture(file) : undefined
  const present = existing !== undefined && existing.interactions.length > 0
  const recording = !replayOnly && (mode === 'update' || (mode === 'record' && !present))
  state = recording
    ? { file, recording, interactions: [] }
    : { file, recording, interactions: existing?.interactions ?? [], recorded: existing?.recorded }
  fixtures.set(file, state)
  return state
}

/** What a request's or an answer's body is stored as: see {@link Interaction}. */
function storedBody(bytes: Buffer): { value: unknown; binary?: true } {
  const text = bytes.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(bytes)) return { value: bytes.toString('hex'), binary: true }
  try {
    const value = JSON.parse(text) as unknown
    if (JSON.stringify(value) === text) return { value }
  } catch {
    // not JSON: kept as text
  }
  return { value: text }
}

const interactionKey = (i: Interaction) => JSON.stringify([i.method, i.scope, i.path, i.body ?? null])

/**
 * Records every `fetch` until the returned function is called, which gives what was answered.
 * A request that failed (no answer: offline, a timeout) records nothing.
 */
function recordFetch(): () => Interaction[] {
  const original = globalThis.fetch
  const recorded: Interaction[] = []
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init)
    const requestBody = ['GET', 'HEAD'].includes(request.method)
      ? undefined
      : Buffer.from(await request.clone().arrayBuffer())
    const response = await original(input, init)
    const body = storedBody(Buffer.from(await response.clone().arrayBuffer()))
    const url = new URL(request.url)
    recorded.push({
      scope: url.origin,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      ...(requestBody && requestBody.length > 0 ? { body: storedBody(requestBody).value } : {}),
      status: response.status,
      response: body.value,
      ...(body.binary ? { responseIsBinary: true } : {}),
      rawHeaders: Object.fromEntries(
        [...response.headers].filter(([header]) => !UNRECORDED_HEADERS.has(header)),
      ),
    })
    return response
  }
  return () => {
    globalThis.fetch = original
    return recorded
  }
}

/** Writes the fixture (through a temporary file: a run stopped half-way leaves the old one whole). */
function writeFixture(state: FixtureState): void {
  const content: FixtureFile = {
    recorded: state.recorded ?? { at: new Date(STARTED).toISOString() },
    interactions: state.interactions,
  }
  mkdirSync(dirname(state.file), { recursive: true })
  const temporary = `${state.file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`)
  renameSync(temporary, state.file)
}

/** Installs `interactions` as nock interceptors that answer as often as asked. */
function replay(interactions: Interaction[]): void {
  for (const i of interactions) {
    const body = i.responseIsBinary
      ? Buffer.from(String(i.response), 'hex')
      : typeof i.response === 'string' || i.response === undefined
        ? (i.response ?? '')
        : JSON.stringify(i.response)
    nock(i.scope, i.reqheaders ? { reqheaders: i.reqheaders } : {})
      .persist()
      .intercept(i.path, i.method, i.body === '' ? undefined : (i.body as nock.RequestBodyMatcher))
      .reply(i.status ?? 200, body, i.rawHeaders)
  }
}

export interface FixtureOptions {
  /**
   * A fixture written by hand or built by a script, not recorded from a provider: replayed in
   * every mode, never recorded over.
   */
  replayOnly?: boolean
}

/**
 * Loads fixture `<name>.json` for the duration of a test (until the returned function is
 * called), or records it (see the module's comment). Replayed answers persist: the framework's
 * background loop may ask the provider more than once.
 */
export async function withFixture(name: string, options: FixtureOptions = {}): Promise<() => void> {
  const state = stateOf(name, options.replayOnly === true)
  const mode = options.replayOnly ? 'lockdown' : fixtureMode()
  state.used = true
  nock.cleanAll()
  if (state.recording || mode === 'wild') {
    nock.enableNetConnect()
  } else {
    if (!existsSync(state.file)) {
      throw new Error(
        `${shown(state.file)} is missing: record it against the provider (NOCK_BACK_MODE=record, see the adapter's README)`,
      )
    }
    if (state.interactions.length === 0) {
      throw new Error(`${shown(state.file)} holds no interaction: record it again (NOCK_BACK_MODE=update)`)
    }
    if (mode === 'dryrun') nock.enableNetConnect()
    else nock.disableNetConnect()
    replay(state.interactions)
  }
  const stop = state.recording ? recordFetch() : undefined
  return () => {
    nock.cleanAll()
    if (!stop) return
    const known = new Set(state.interactions.map(interactionKey))
    for (const interaction of stop()) {
      const key = interactionKey(interaction)
      if (known.has(key)) continue
      known.add(key)
      state.interactions.push(interaction)
    }
    if (state.interactions.length > 0) writeFixture(state)
  }
}

/** What {@link fixtureRecording} gives: the recording's instant and settings. */
export interface FixtureRecording<K extends string> {
  /** The instant the fixture was recorded, in ms: freeze `Date.now` at it, recording and replaying. */
  at: number
  /** The settings the fixture was recorded with. */
  with: Record<K, string>
}

/**
 * When fixture `name` was recorded, and with which settings. While it is being recorded: now
 * (this test file's start) and the settings read from the environment variables `live` names
 * (e.g. `{ url: 'GOLD_VAULT_API_URL' }`: the live provider), or their `defaults`; both are written
 * into the fixture. On replay: what the fixture says. A test that takes its clock, provider URL
 * and inputs from here replays any re-recording with no edit.
 */
export function fixtureRecording<K extends string>(
  name: string,
  live: Record<K, string>,
  defaults: Partial<Record<K, string>> = {},
): FixtureRecording<K> {
  const state = stateOf(name, false)
  if (state.recording && !state.recorded) {
    const settings = Object.entries<string>(live).map(([key, variable]) => [
      key,
      process.env[variable] ?? defaults[key as K],
      variable,
    ])
    const unset = settings.filter(([, value]) => value === undefined).map(([, , variable]) => variable)
    if (unset.length > 0) {
      throw new Error(
        `recording ${shown(state.file)} needs ${unset.join(', ')} (the live provider's settings) in the environment`,
      )
    }
    state.recorded = {
      at: new Date(STARTED).toISOString(),
      with: Object.fromEntries(settings.map(([key, value]) => [key, value!])),
    }
  }
  const recorded = state.recorded
  const missing = Object.keys(live).filter((key) => recorded?.with?.[key] === undefined)
  if (!recorded?.at || missing.length > 0) {
    throw new Error(
      `${shown(state.file)} does not say when it was recorded and with which ${Object.keys(live).join(', ')} ("recorded": { "at", "with" }): record it again (NOCK_BACK_MODE=update)`,
    )
  }
  return { at: Date.parse(recorded.at), with: recorded.with as Record<K, string> }
}

// Jest runs test files one after another in the same worker, and nock's interception of
// fetch/http is process-wide: every file that imports this helper switches it on while it
// loads and off after its tests, so no file's interceptors or lockdown leak into the next.
if (!nock.isActive()) nock.activate()
afterAll(() => {
  for (const state of fixtures.values()) {
    if (state.recording && state.used && state.interactions.length === 0) {
      process.stderr.write(
        `${shown(state.file)}: nothing was answered while recording (is the provider reachable?); the file was left as it was\n`,
      )
    }
  }
  nock.cleanAll()
  nock.enableNetConnect()
  nock.restore()
})
