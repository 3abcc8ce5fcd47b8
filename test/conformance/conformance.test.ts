/**
 * The conformance suite: what every adapter in adapters/ must do, checked on each of them
 * without naming any. The adapters are found at run time (devkit/adapters.ts); each says in its
 * `test/conformance.ts` only what cannot be derived (devkit/conformance.ts): its output shape, a
 * healthy provider with a sample request, the settings pointing it at a provider, and which input
 * holds the decimals or a limited list. Required inputs and input types come from the default
 * endpoint's InputParameters.
 *
 * The adapter reads its provider through a loopback proxy (devkit/fault-proxy.ts) that answers
 * 500, hangs, or sends garbage on cue.
 *
 * Run it alone with `npm run test:conformance`; `CONFORMANCE_ADAPTERS=<name>[,<name>…]` holds
 * it to those adapters (`npm run test:adapter -- <name>` sets it).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import type { InputParameter } from '@chainlink/external-adapter-framework/validation/input-params'
import {
  ADAPTERS_DIR,
  adapterNames,
  conformanceSubjects,
  loadAdapterModule,
  type AdapterModule,
} from '#devkit/adapters'
import { askUntilComputed, startAdapterServer, type HttpAnswer } from '#devkit/adapter-server'
import { POR_SETTING_DEFAULTS } from '#common/adapter'
import type { ConformanceDeclaration, ConformanceProvider } from '#devkit/conformance'
import { adapterDoc, checkDocs } from '#devkit/docs'
import { adapterReadme, exampleProblems, readmeExamples, shapeDifferences } from '#devkit/readme-examples'
import { REDIRECTED, startFaultProxy, type FaultProxy, type ProxyAction } from '#devkit/fault-proxy'
import { validatorMiddleware } from '@chainlink/external-adapter-framework/validation'
import {
  advanceClock,
  backgroundTicks,
  defaultTransport,
  resetClock,
  type BackgroundTransport,
} from '#devkit/clock'
import { logMark, logsSince } from '#devkit/logs'
import { deadUrl } from '#devkit/ports'
import { serveApi, type ApiServer } from '#devkit/simulators/http-api'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'

/** Provider timeout for the cases where the provider answers, and for the one where it hangs. */
const PROVIDER_TIMEOUT_MS = 10_000
const HANG_TIMEOUT_MS = 500
/** A text input far beyond any sane length (under the framework's 1 MiB body limit). */
const HUGE_TEXT = 500_000
/** Framework settings for quick tests: computations start within 20 ms of a request. */
/**
 * Settings of every test adapter here. The cache and subscription lifetimes are put back to
 * their defaults (a test that sets them leaves them in process.env for the next adapter).
 */
const FRAMEWORK_ENV = {
  BACKGROUND_EXECUTE_MS_HTTP: '20',
  CACHE_MAX_AGE: undefined,
  WARMUP_SUBSCRIPTION_TTL: undefined,
}

type Definition = Record<string, InputParameter>

interface Subject {
  name: string
  module?: AdapterModule
  declaration?: ConformanceDeclaration
  /** Why the module or the declaration could not be loaded. */
  problem?: string
}

async function loadSubject(name: string): Promise<Subject> {
  try {
    const module = await loadAdapterModule(name)
    const path = join(ADAPTERS_DIR, name, 'test', 'conformance.ts')
    if (!existsSync(path)) {
      return {
        name,
        module,
        problem: `adapters/${name}/test/conformance.ts is missing: declare the adapter there`,
      }
    }
    const { conformance } = (await import(path)) as { conformance?: ConformanceDeclaration }
    if (!conformance || typeof conformance.provider !== 'function' || typeof conformance.env !== 'function') {
      return {
        name,
        module,
        problem: `adapters/${name}/test/conformance.ts does not export \`conformance\` (see devkit/conformance.ts)`,
      }
    }
    return { name, module, declaration: conformance }
  } catch (error) {
    return { name, problem: error instanceof Error ? error.message : String(error) }
  }
}

const subjects = await Promise.all(conformanceSubjects(adapterNames()).map(loadSubject))

// ---------------------------------------------------------------------------------------------
// Cases derived from the default endpoint's input definition

/** One bad request, built from the sample, and the word its 400 must name. */
interface InputCase {
  title: string
  names: string
  build: (sample: Record<string, unknown>) => Record<string, unknown>
}

function defaultDefinition(adapter: Adapter): Definition {
  const endpoint = adapter.endpoints.find((e) => e.name === adapter.defaultEndpoint) ?? adapter.endpoints[0]
  return (endpoint.inputParameters?.definition ?? {}) as Definition
}

/** A value of the wrong type for `parameter`. */
function wrongValue(parameter: InputParameter): unknown {
  if (parameter.array) return 'not a list'
  switch (parameter.type) {
    case 'string':
      return 12345
    case 'number':
      return 'not a number'
    case 'boolean':
      return 'not a boolean'
    default:
      return 'not an object'
  }
}

/** The sample's first entry of list `field`, to derive the cases of its nested fields from. */
function firstEntry(sample: Record<string, unknown>, field: string): Record<string, unknown> {
  const list = sample[field]
  if (!Array.isArray(list) || typeof list[0] !== 'object' || list[0] === null) {
    throw new Error(`the sample request has no \`${field}\` entry to check its fields with: give it one`)
  }
  return list[0] as Record<string, unknown>
}

/** Replaces the first entry of list `field` with `entry`. */
function withFirstEntry(sample: Record<string, unknown>, field: string, entry: Record<string, unknown>) {
  const [, ...rest] = sample[field] as unknown[]
  return { ...sample, [field]: [entry, ...rest] }
}

function omit(record: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !names.includes(key)))
}

/** Every required input left out, and every input given a value of another type; nested fields too. */
function inputCases(definition: Definition): InputCase[] {
  return Object.entries(definition).flatMap(([name, parameter]): InputCase[] => {
    const names = [name, ...(parameter.aliases ?? [])]
    const own: InputCase[] = [
      ...(parameter.required
        ? [
            {
              title: `\`${name}\` missing`,
              names: name,
              build: (s: Record<string, unknown>) => omit(s, names),
            },
          ]
        : []),
      {
        title: `\`${name}\` of the wrong type`,
        names: name,
        build: (s) => ({ ...omit(s, names), [name]: wrongValue(parameter) }),
      },
    ]
    if (typeof parameter.type !== 'object' || !parameter.array) return own
    const nested = Object.entries(parameter.type as Definition).flatMap(([field, inner]): InputCase[] => [
      ...(inner.required
        ? [
            {
              title: `\`${name}[].${field}\` missing`,
              names: field,
              build: (s: Record<string, unknown>) =>
                withFirstEntry(s, name, omit(firstEntry(s, name), [field])),
            },
          ]
        : []),
      {
        title: `\`${name}[].${field}\` of the wrong type`,
        names: field,
        build: (s) => withFirstEntry(s, name, { ...firstEntry(s, name), [field]: wrongValue(inner) }),
      },
    ])
    return [...own, ...nested]
  })
}

/** Every string input, as `field`, or `list[].field` for a field of a list of objects. */
function textInputPaths(definition: Definition): string[] {
  return Object.entries(definition).flatMap(([name, parameter]) => {
    if (parameter.type === 'string' && !parameter.array) return [name]
    if (typeof parameter.type !== 'object' || !parameter.array) return []
    return Object.entries(parameter.type as Definition)
      .filter(([, inner]) => inner.type === 'string' && !inner.array)
      .map(([field]) => `${name}[].${field}`)
  })
}

/** The sample with text input `path` (`field` or `list[].field`) set to `value`. */
function withText(sample: Record<string, unknown>, path: string, value: string): Record<string, unknown> {
  const [list, field] = path.split('[].')
  if (field === undefined) return { ...sample, [path]: value }
  return withFirstEntry(sample, list, { ...firstEntry(sample, list), [field]: value })
}

// ---------------------------------------------------------------------------------------------
// Cache keys

/** The cache key and the inputs the framework's request validation makes of `data` (undefined: refused). */
function keyAndInputs(adapter: Adapter, data: Record<string, unknown>) {
  const req = {
    headers: { 'content-type': 'application/json' },
    body: { data: structuredClone(data) },
  } as unknown as { requestContext: { cacheKey: string; data: unknown } }
  try {
    validatorMiddleware(adapter)(req as never, {} as never, () => undefined)
  } catch {
    return undefined
  }
  return { key: req.requestContext.cacheKey, inputs: req.requestContext.data }
}

/** Every text in `value` (nested objects and lists too), as a path of keys and indexes. */
function textPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path]
  if (Array.isArray(value)) return value.flatMap((item, i) => textPaths(item, [...path, i]))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => textPaths(item, [...path, key]))
  }
  return []
}

/** `value` with `change` applied to the text at `path` (every text when `path` is undefined). */
function respell(value: unknown, change: (text: string) => string, path?: (string | number)[]): unknown {
  if (path?.length === 0 || (path === undefined && typeof value === 'string')) {
    return typeof value === 'string' ? change(value) : value
  }
  const [head, ...rest] = path ?? []
  if (Array.isArray(value)) {
    return value.map((item, i) =>
      path === undefined || i === head ? respell(item, change, path && rest) : item,
    )
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        path === undefined || key === head ? respell(item, change, path && rest) : item,
      ]),
    )
  }
  return value
}

/** The sample spelled otherwise: each text upper- and lower-cased alone, then all at once. */
function respellings(sample: Record<string, unknown>): [string, Record<string, unknown>][] {
  const cases: [string, (text: string) => string][] = [
    ['upper', (t) => t.toUpperCase()],
    ['lower', (t) => t.toLowerCase()],
  ]
  return cases.flatMap(([name, change]) => [
    ...textPaths(sample).map((path): [string, Record<string, unknown>] => [
      `${path.join('.')} in ${name} case`,
      respell(sample, change, path) as Record<string, unknown>,
    ]),
    [`every text in ${name} case`, respell(sample, change) as Record<string, unknown>],
  ])
}

// ---------------------------------------------------------------------------------------------
// Answers

async function ask(testAdapter: TestAdapter, data: Record<string, unknown>): Promise<HttpAnswer> {
  const response = await testAdapter.request(data)
  const body = response.json() as Record<string, unknown>
  return { status: response.statusCode, text: response.body, body }
}

/** The message of an error answer: the framework's `error.message`, or a computed `errorMessage`. */
function messageOf(answer: HttpAnswer): string {
  const error = answer.body?.error as { message?: unknown } | undefined
  const message = error?.message ?? answer.body?.errorMessage
  return typeof message === 'string' ? message : answer.text
}

/** Expects a 400 whose message names `word` (as a whole word). */
function expectRefused(answer: HttpAnswer, word: string): void {
  const message = messageOf(answer)
  expect({
    status: answer.status,
    namesTheField: new RegExp(`\\b${word}\\b`).test(message),
    message,
  }).toEqual({
    status: 400,
    namesTheField: true,
    message,
  })
}

const INTEGER = /^(0|[1-9]\d*)$/

function expectTimestamps(body: Record<string, unknown>): void {
  const timestamps = body.timestamps as Record<string, unknown>
  expect(timestamps).toEqual(
    expect.objectContaining({
      providerDataRequestedUnixMs: expect.any(Number),
      providerDataReceivedUnixMs: expect.any(Number),
    }),
  )
  expect(timestamps.providerDataReceivedUnixMs as number).toBeGreaterThanOrEqual(
    timestamps.providerDataRequestedUnixMs as number,
  )
}

// ---------------------------------------------------------------------------------------------
// The suite

const FAULTS: [string, ProxyAction, number][] = [
  ['answers 500', { status: 500, body: '{"error":"internal server error"}' }, PROVIDER_TIMEOUT_MS],
  ['hangs past the adapter’s timeout', 'hang', HANG_TIMEOUT_MS],
  [
    'answers something that is not JSON',
    { status: 200, body: '<html><body>Service temporarily unavailable</body></html>' },
    PROVIDER_TIMEOUT_MS,
  ],
  ['answers half of its answer', 'truncate', PROVIDER_TIMEOUT_MS],
]

/** JSON bodies no bridge sends, each of which must be refused as the caller's fault. */
const ODD_BODIES: [string, string][] = [
  ['null', 'null'],
  ['a number', '5'],
  ['a string', '"balance"'],
  ['a list', '[{"data":{}}]'],
  ['an object whose data is a number', '{"id":"1","data":5}'],
  ['an object whose data is a list', '{"id":"1","data":[]}'],
  ['an object whose endpoint is a number', '{"id":"1","endpoint":5,"data":{}}'],
  ['an object whose data.endpoint is a number', '{"id":"1","data":{"endpoint":5}}'],
]

describe.each(subjects)('adapter $name', (subject) => {
  it('exports adapter, makeAdapter and description from src/index.ts, and declares itself in test/conformance.ts', () => {
    expect(subject.problem).toBeUndefined()
  })
  const { module, declaration } = subject
  if (!module || !declaration) return

  const definition = defaultDefinition(module.adapter)
  let provider: ConformanceProvider
  let proxy: FaultProxy
  let fault: ProxyAction = 'forward'
  let healthy: TestAdapter
  let savedEnv: NodeJS.ProcessEnv
  const env = (timeoutMs: number) => ({ ...FRAMEWORK_ENV, ...declaration.env(proxy.url, timeoutMs) })
  const sample = () => provider.sample

  beforeAll(async () => {
    savedEnv = { ...process.env }
    provider = await declaration.provider()
    proxy = await startFaultProxy(provider.url, () => fault)
    healthy = await startTestAdapter(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
  })
  afterAll(async () => {
    await stopTestAdapter(healthy)
    await proxy?.close()
    await provider?.close?.()
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
  })

  it(`answers the sample request with a ${declaration.output === 'numeric' ? 'figure' : 'list of addresses'}`, async () => {
    const forwarded = proxy.forwarded
    const answer = await askUntilComputed(() => ask(healthy, sample()))
    expect({ status: answer.status, message: answer.status === 200 ? undefined : messageOf(answer) }).toEqual(
      {
        status: 200,
        message: undefined,
      },
    )
    expect(proxy.forwarded).toBeGreaterThan(forwarded)
    const body = answer.body!
    const data = body.data as Record<string, unknown>
    if (declaration.output === 'numeric') {
      expect(body.result).toEqual(expect.stringMatching(INTEGER))
      expect(data.result).toBe(body.result)
      expect(Number.isSafeInteger(data.decimals) && (data.decimals as number) >= 0).toBe(true)
      expect(body.result).toBe(provider.expected)
    } else {
      expect(body.result).toBeNull()
      expect(Array.isArray(data.result)).toBe(true)
      for (const entry of data.result as unknown[]) {
        expect(entry).toEqual({
          address: expect.stringMatching(/\S/),
          network: expect.stringMatching(/\S/),
          chainId: expect.stringMatching(/\S/),
        })
      }
      expect(data.result).toEqual(provider.expected)
    }
    expectTimestamps(body)
  })

  if (declaration.output === 'numeric') {
    it('refuses with a 502 naming it a figure that cannot be true or cannot be reported on-chain', async () => {
      const { implausible } = provider
      expect({ declared: implausible !== undefined }).toEqual({ declared: true })
      const answer = await askUntilComputed(() => ask(healthy, implausible!.sample))
      expect({
        status: answer.status,
        result: answer.body?.result,
        namesIt: messageOf(answer).includes(implausible!.value),
      }).toEqual({
        status: 502,
        result: undefined,
        namesIt: true,
      })
    })
  }

  describe('refuses bad input with a 400 naming the field', () => {
    it.each(inputCases(definition).map((c) => [c.title, c] as const))('%s', async (_title, inputCase) => {
      expectRefused(await ask(healthy, inputCase.build(sample())), inputCase.names)
    })

    const { decimals, list } = declaration
    if (decimals) {
      it.each([-1, decimals.max + 1, 0.5])(`\`${decimals.field}\` of %p`, async (value) => {
        expectRefused(await ask(healthy, { ...sample(), [decimals.field]: value }), decimals.field)
      })
      it(`but takes \`${decimals.field}\` up to ${decimals.max}`, async () => {
        const answer = await askUntilComputed(() =>
          ask(healthy, { ...sample(), [decimals.field]: decimals.max }),
        )
        expect([answer.status, (answer.body?.data as Record<string, unknown>)?.decimals]).toEqual([
          200,
          decimals.max,
        ])
      })
    }
    it.each(textInputPaths(definition))(
      'a half-megabyte `%s`, quoting at most a short prefix of it in the answer and the logs',
      async (path) => {
        const mark = logMark()
        const answer = await ask(healthy, withText(sample(), path, 'A'.repeat(HUGE_TEXT)))
        expectRefused(answer, path.split('[].').at(-1)!)
        const logged = logsSince(mark).reduce((size, line) => size + line.text.length, 0)
        expect({ answer: answer.text.length < 1_000, logged: logged < 8_000 }).toEqual({
          answer: true,
          logged: true,
        })
      },
    )

    if (list) {
      it(`\`${list.field}\` longer than its limit`, async () => {
        const limit =
          typeof list.limit === 'number'
            ? list.limit
            : (healthy.adapter.config.settings as Record<string, unknown>)[list.limit.setting]
        expect(Number.isSafeInteger(limit)).toBe(true)
        const entries = Array.from({ length: (limit as number) + 1 }, (_, i) => list.entry(i))
        const value = list.separator === undefined ? entries : entries.join(list.separator)
        const answer = await ask(healthy, { ...sample(), [list.field]: value })
        expectRefused(answer, list.field)
        expect(messageOf(answer)).toContain(String(limit))
      })
    }
  })

  it('gives two requests the same cache key only when they mean the same: each input canonical before it is used or cached', () => {
    const original = keyAndInputs(healthy.adapter, sample())
    expect(original).toBeDefined()
    const clashes = respellings(sample()).flatMap(([respelled, data]) => {
      const other = keyAndInputs(healthy.adapter, data)
      if (other === undefined || other.key !== original!.key) return []
      return JSON.stringify(other.inputs) === JSON.stringify(original!.inputs)
        ? []
        : [{ respelled, inputs: other.inputs }]
    })
    expect({ sharesTheKeyButMeansOtherwise: clashes }).toEqual({ sharesTheKeyButMeansOtherwise: [] })
  })

  it('keeps nothing of a request once its subscription and its cached answer have expired', async () => {
    const testAdapter = await startTestAdapter(module.makeAdapter(), {
      ...env(PROVIDER_TIMEOUT_MS),
      WARMUP_SUBSCRIPTION_TTL: '60000',
      CACHE_MAX_AGE: '120000',
    })
    try {
      const transport = defaultTransport<BackgroundTransport & { trackedRequests?: number }>(
        testAdapter.adapter,
      )
      const answer = await askUntilComputed(() => ask(testAdapter, sample()))
      expect(answer.status).toBe(200)
      advanceClock(180_000)
      await backgroundTicks(transport, 3)
      expect({
        cachedAnswers: testAdapter.mockCache?.cache.size,
        trackedRequests: transport.trackedRequests,
      }).toEqual({ cachedAnswers: 0, trackedRequests: 0 })
    } finally {
      resetClock()
      await stopTestAdapter(testAdapter)
    }
  })

  describe('over HTTP, as a node asks it', () => {
    it('answers 404 naming an endpoint it does not have, and 400 to a body that is not JSON or has no data', async () => {
      const server = await startAdapterServer(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
      try {
        const unknown = await server.bridge({ ...sample(), endpoint: 'no-such-endpoint' })
        expect([unknown.status, messageOf(unknown)]).toEqual([
          404,
          expect.stringContaining('"no-such-endpoint"'),
        ])
        const notJson = await server.post(JSON.stringify({ id: '1', data: sample() }).slice(0, -2))
        expect([notJson.status, notJson.text]).toEqual([400, expect.stringContaining('not valid JSON')])
        if (Object.values(definition).some((p) => p.required)) {
          const noData = await server.post(JSON.stringify({ id: '1' }))
          expect([noData.status, messageOf(noData)]).toEqual([400, expect.stringContaining('required')])
        }
      } finally {
        await server.close()
      }
    })

    it.each(ODD_BODIES)('answers 400, not 500, to a JSON body that is %s', async (_title, body) => {
      const server = await startAdapterServer(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
      try {
        const answer = await server.post(body)
        expect([answer.status, answer.text]).toEqual([400, expect.stringMatching(/\S/)])
        expect(answer.text).not.toMatch(/Cannot read properties|is not a function|Cannot create property/)
      } finally {
        await server.close()
      }
    })
  })

  describe('takes credentials in its provider URLs (a list, the first dead), and never shows them', () => {
    const withSecrets = (url: string) => {
      const parsed = new URL(url)
      parsed.username = 'operator'
      parsed.password = 's3cret-pass'
      parsed.searchParams.set('apikey', 'q-s3cret')
      return parsed.toString()
    }
    const basic = `Basic ${Buffer.from('operator:s3cret-pass').toString('base64')}`
    const shown = (texts: string[]) =>
      ['s3cret', 'operator'].filter((secret) => texts.some((text) => text.includes(secret)))

    it.each([
      ['answers', 'forward'],
      ['fails', { status: 500, body: '{"error":"internal server error"}' }],
    ] as [string, ProxyAction][])('when the provider %s', async (_title, action) => {
      const urls = `${withSecrets(await deadUrl())},${withSecrets(proxy.url)}`
      const testAdapter = await startTestAdapter(module.makeAdapter(), {
        ...FRAMEWORK_ENV,
        ...declaration.env(urls, PROVIDER_TIMEOUT_MS),
      })
      const mark = logMark()
      const asked = proxy.requests.length
      fault = action
      try {
        const answer = await askUntilComputed(() => ask(testAdapter, sample()))
        const headers = proxy.requestHeaders.slice(asked)
        expect(headers.length).toBeGreaterThan(0)
        expect(headers.filter((h) => h.authorization !== basic)).toEqual([])
        expect(proxy.requestPaths.slice(asked).filter((path) => !path.includes('apikey=q-s3cret'))).toEqual(
          [],
        )
        if (action === 'forward') expect([answer.status, messageOf(answer)]).toEqual([200, answer.text])
        else expect(answer.status).toBeGreaterThanOrEqual(500)
        expect(shown([answer.text, ...logsSince(mark).map((line) => line.text)])).toEqual([])
      } finally {
        fault = 'forward'
        await stopTestAdapter(testAdapter)
      }
    })
  })

  describe('reads its provider within the origin configured, and no more of an answer than its cap', () => {
    /** A server at another origin: nothing may ever reach it. */
    let elsewhere: ApiServer
    beforeAll(async () => {
      elsewhere = await serveApi(() => ({ body: '{}' }))
    })
    afterAll(() => elsewhere.close())

    const askWith = async (action: ProxyAction): Promise<HttpAnswer> => {
      const testAdapter = await startTestAdapter(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
      fault = action
      try {
        return await askUntilComputed(() => ask(testAdapter, sample()))
      } finally {
        fault = 'forward'
        await stopTestAdapter(testAdapter)
      }
    }

    it('follows a redirect within the origin', async () => {
      const answer = await askWith('redirect')
      expect([
        answer.status,
        answer.body?.result ?? (answer.body?.data as { result?: unknown })?.result,
      ]).toEqual([200, provider.expected])
      expect(proxy.requestPaths.some((path) => path.startsWith(REDIRECTED))).toBe(true)
    })

    it('refuses a redirect to another origin with a 502 naming that origin alone, and never asks it', async () => {
      const target = new URL(`${elsewhere.url}/steal?token=leaked`)
      target.username = 'thief'
      const answer = await askWith({ status: 307, body: '', headers: { location: target.toString() } })
      const message = messageOf(answer)
      expect({
        status: answer.status,
        result: answer.body?.result,
        namesTheOrigin: message.includes(new URL(elsewhere.url).origin),
        showsMore: ['thief', 'steal', 'leaked'].filter((part) => message.includes(part)),
        askedThere: elsewhere.requests.length,
      }).toEqual({ status: 502, result: undefined, namesTheOrigin: true, showsMore: [], askedThere: 0 })
    })

    it('stops reading a body without end at its cap (a *_MAX_BODY_BYTES setting), closing the connection: 502', async () => {
      const testAdapter = await startTestAdapter(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
      const caps = Object.entries(testAdapter.adapter.config.settings as Record<string, unknown>).filter(
        ([name]) => name === (declaration.bodyCap ?? name) && name.endsWith('_MAX_BODY_BYTES'),
      )
      const floods = proxy.floods.length
      fault = 'flood'
      try {
        expect(caps.map(([, value]) => Number.isSafeInteger(value))).toEqual([true])
        const cap = caps[0][1] as number
        const answer = await askUntilComputed(() => ask(testAdapter, sample()))
        expect([answer.status, answer.body?.result]).toEqual([502, undefined])
        expect(messageOf(answer)).toContain(`larger than ${cap} bytes`)
        const outcomes = await Promise.all(proxy.floods.slice(floods))
        expect(outcomes.length).toBeGreaterThan(0)
        // What the provider got to send: the cap, and what the sockets buffer on the way (a few MiB).
        expect(outcomes.filter((o) => !o.cut || o.sent > cap + 16 * 1024 ** 2)).toEqual([])
      } finally {
        fault = 'forward'
        await stopTestAdapter(testAdapter)
      }
    })
  })

  describe('answers a 5xx without a result when its provider fails', () => {
    it.each(FAULTS)('a provider that %s', async (_title, action, timeoutMs) => {
      const testAdapter = await startTestAdapter(module.makeAdapter(), env(timeoutMs))
      const asked = proxy.requests.length
      fault = action
      try {
        const answer = await askUntilComputed(() => ask(testAdapter, sample()))
        expect(proxy.requests.length).toBeGreaterThan(asked)
        expect({
          serverError: answer.status >= 500 && answer.status <= 599,
          result: answer.body?.result,
          data: answer.body?.data,
          message: typeof answer.body?.errorMessage,
        }).toEqual({ serverError: true, result: undefined, data: undefined, message: 'string' })
      } finally {
        fault = 'forward'
        await stopTestAdapter(testAdapter)
      }
    })
  })

  it('refuses to start with no provider configured at all, saying what to set', async () => {
    // The declaration's provider URL settings, unset; every other setting as usual.
    const unset = Object.fromEntries(
      Object.keys(declaration.env(proxy.url, PROVIDER_TIMEOUT_MS))
        .filter((name) => name.endsWith('_URL'))
        .map((name) => [name, undefined]),
    )
    expect(Object.keys(unset).length).toBeGreaterThan(0)
    const saved = { ...process.env }
    const started = startTestAdapter(module.makeAdapter(), { ...env(PROVIDER_TIMEOUT_MS), ...unset })
    try {
      await expect(started).rejects.toThrow(/_URL/)
    } finally {
      await started.then(stopTestAdapter, () => undefined)
      Object.assign(process.env, saved)
    }
  })

  it('logs a failed refresh, saying which figure it serves meanwhile', async () => {
    const testAdapter = await startTestAdapter(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
    const transport = defaultTransport(testAdapter.adapter)
    try {
      const computing = Date.now()
      expect((await askUntilComputed(() => ask(testAdapter, sample()))).status).toBe(200)
      const computed = Date.now()
      fault = { status: 500, body: '{"error":"internal server error"}' }
      const mark = logMark()
      const asked = proxy.requests.length
      // The refresh is due at half of CACHE_MAX_AGE; it fails.
      advanceClock(POR_SETTING_DEFAULTS.CACHE_MAX_AGE / 2 + 1_000)
      while (proxy.requests.length === asked) await backgroundTicks(transport, 1)
      await backgroundTicks(transport, 3)
      const answer = await ask(testAdapter, sample())
      // The suite's other adapters (the healthy one, and earlier ones whose background loops
      // go on) log their own failures too: this adapter's lines are those naming the figure it
      // read, between `computing` and `computed`.
      const warned = logsSince(mark)
        .filter((line) => line.level === 'warn' && line.layer === 'ComputeTransport')
        .map((line) => line.text)
      const readAt = (text: string) => Date.parse(/serving the figure read at (\S+)/.exec(text)?.[1] ?? '')
      const ours = warned.filter((text) => readAt(text) >= computing && readAt(text) <= computed)
      expect({
        servedStill: answer.status,
        ours: ours.map((text) => /failed: 5\d\d .*serving the figure read at/.test(text)),
      }).toEqual({ servedStill: 200, ours: [true] })
    } finally {
      fault = 'forward'
      resetClock()
      await stopTestAdapter(testAdapter)
    }
  })

  describe('asks a failing provider again ever more slowly, and not at all after a 4xx answer', () => {
    it.each([
      [
        'answering 500 is asked at 0, 5, 15 and 35 s over 40 s',
        { status: 500, body: '{"error":"internal server error"}' },
        40,
        [0, 5, 15, 35],
      ],
      ['answering 404 is asked once over 60 s', { status: 404, body: '{"error":"not found"}' }, 60, [0]],
    ] as [string, ProxyAction, number, number[]][])(
      'a provider %s',
      async (_title, action, seconds, expected) => {
        const testAdapter = await startTestAdapter(module.makeAdapter(), env(PROVIDER_TIMEOUT_MS))
        const transport = defaultTransport(testAdapter.adapter)
        fault = action
        const asked: number[] = []
        try {
          let seen = proxy.requests.length
          const answer = await askUntilComputed(() => ask(testAdapter, sample()))
          expect(answer.status).toBeGreaterThanOrEqual(500)
          for (let second = 0; second <= seconds; second++) {
            if (second > 0) advanceClock(1_000)
            await backgroundTicks(transport, 2)
            if (proxy.requests.length > seen) asked.push(second)
            seen = proxy.requests.length
          }
          expect(asked).toEqual(expected)
        } finally {
          fault = 'forward'
          resetClock()
          await stopTestAdapter(testAdapter)
        }
      },
    )
  })

  it('documents the settings and inputs of its code (README generated by npm run docs)', async () => {
    expect(await checkDocs([await adapterDoc(subject.name)])).toEqual([])
  })

  it("shows in its README an example request it takes, and an example answer with its answers' fields", async () => {
    const readme = adapterReadme(subject.name)
    expect(await exampleProblems(subject.name, readme, declaration.decimals?.field)).toEqual([])
    const { request, answer } = readmeExamples(readme)
    // Taken by the running adapter, its own checks included. It may not compute it here: the
    // conformance provider does not hold the README's data, and a network the README names
    // ("ethereum") is not one the suite configures, which is a 400 naming its setting.
    const asked = await ask(healthy, request!.data)
    const refusal = asked.status === 400 ? messageOf(asked) : undefined
    expect(
      refusal === undefined || /is not configured: set [A-Z0-9_]+_URL/.test(refusal) ? undefined : refusal,
    ).toBeUndefined()
    const actual = await askUntilComputed(() => ask(healthy, sample()))
    expect(shapeDifferences(answer, actual.body)).toEqual([])
  })
})
