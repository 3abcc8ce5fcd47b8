/**
 * devkit/pipeline.ts, the job-pipeline interpreter the job specs are replayed with: DOT as the
 * node reads it, variables, the bridge request the node sends, what the node counts as a failed
 * bridge, jsonparse, exact decimal arithmetic and the OCR observation. Bridges are real HTTP
 * servers on loopback: scripted ones here, and a real adapter server for its failure answers.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { REPO_ROOT } from '#devkit/adapters'
import { startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { deadUrl } from '#devkit/ports'
import {
  Decimal,
  ObservationError,
  PipelineSpecError,
  goJson,
  goUnquote,
  observe,
  ocr2Vars,
  parsePipeline,
  runPipeline,
  type RunOptions,
} from '#devkit/pipeline'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import type { ApiServer } from '#devkit/simulators/http-api'
import { makeAdapter as makeAttestationAdapter } from '#adapters/attestation/src/index'

interface BridgeRequest {
  headers: IncomingHttpHeaders
  body: string
}

/** A loopback bridge answering each POST with `reply(body)`, recording what it was sent. */
async function serveBridge(reply: (body: string) => { status?: number; body: string }) {
  const requests: BridgeRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      requests.push({ headers: req.headers, body })
      const answer = reply(body)
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

type Bridge = Awaited<ReturnType<typeof serveBridge>>

const JOB_ID = '0b8d4a5e-1d6e-4b51-a5f4-6a1f5e1b2c3d'
const vars = ocr2Vars({ externalJobID: JOB_ID, latestAnswer: 30_000_000_000n, updatedAt: 1_763_700_000n })

/** An adapter's success answer with `result` as decimal text. */
const success = (result: string) =>
  JSON.stringify({ data: { result, decimals: 8 }, result, statusCode: 200, timestamps: {} })

const bridges: Bridge[] = []
async function bridge(reply: Parameters<typeof serveBridge>[0]): Promise<Bridge> {
  const b = await serveBridge(reply)
  bridges.push(b)
  return b
}
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()))
})

const options = (table: Record<string, string>): RunOptions => ({
  vars,
  bridgeUrl: (name) => table[name],
})

describe('parsing DOT as the node does', () => {
  it('reads a pipeline written the way Chainlink documents it, through TOML', () => {
    const spec = parseToml(`observationSource = """
      // comments, semicolons, quoted and bare values
      fetch    [type="bridge" name="reserves" requestData="{\\\\"id\\\\": $(jb.externalJobID), \\\\"data\\\\": {\\\\"a\\\\": \\\\"x y\\\\"}}"];
      parse    [type=jsonparse path="data,result"];
      multiply [type="multiply" times=100]
      fetch -> parse -> multiply
    """`)
    const pipeline = parsePipeline(spec.observationSource as string)
    expect(pipeline.tasks.map((t) => [t.id, t.type])).toEqual([
      ['fetch', 'bridge'],
      ['parse', 'jsonparse'],
      ['multiply', 'multiply'],
    ])
    expect(pipeline.tasks[0].attributes.requestData).toBe('{"id": $(jb.externalJobID), "data": {"a": "x y"}}')
    expect(pipeline.tasks[2].attributes.times).toBe('100')
    expect(pipeline.terminals.map((t) => t.id)).toEqual(['multiply'])
  })

  it("unquotes values with Go's strconv.Unquote, and keeps the quotes where Go cannot unquote", () => {
    expect(goUnquote('"a\\"b\\\\c\\n\\u00e9\\x41\\101"')).toBe('a"b\\c\né' + 'AA')
    expect(goUnquote('"bad \\q escape"')).toBeUndefined()
    expect(goUnquote('"two\nlines"')).toBeUndefined()
    // A value Go cannot unquote keeps its quotes (gonum's fallback).
    expect(parsePipeline('m [type="memo" value="a\\q"]').tasks[0].attributes.value).toBe('"a\\q"')
    // A quoted value over two lines is refused (the node's Go unquoting would keep its quotes,
    // leaving no JSON).
    expect(() => parsePipeline('b [type="bridge" name="x" requestData="{\n}"]')).toThrow(PipelineSpecError)
    // Angle brackets are dropped unless what they hold has brackets too.
    const sum = parsePipeline('s [type="sum" values=<[1, 2]>]')
    expect(sum.tasks[0].attributes.values).toBe('[1, 2]')
  })

  it('refuses what the node refuses, and what it would silently ignore', () => {
    const refused = (dot: string) => () => parsePipeline(dot)
    expect(refused('a [type="bridge" name="x"')).toThrow(PipelineSpecError)
    expect(refused('a [type="fetch"]')).toThrow(/unknown task type "fetch"/)
    expect(refused('a [type="jsonparse" pth="data"]')).toThrow(/unknown attribute\(s\) pth/)
    expect(refused('a [type="memo" value="1"]\na [type="memo" value="2"]')).toThrow(/defined twice/)
    expect(refused('a [type="memo" value="1"]\na -> b')).toThrow(/b appears in an edge but is never defined/)
    expect(refused('a [type="median"]\nb [type="median"]\na -> b -> a')).toThrow(/cycle/)
    expect(refused('a [type="memo" value="1"]\nb [type="memo" value="$(a)"]')).toThrow(
      /reads \$\(a\) but a is not upstream of it/,
    )
    expect(refused('node [type="memo"]')).toThrow(/not used in job pipelines/)
    expect(refused('input [type="memo" value="1"]')).toThrow(/reserved/)
  })
})

describe('bridge tasks', () => {
  it('post the request data with variables interpolated and the run meta added, keys sorted as Go marshals them', async () => {
    const reserves = await bridge(() => ({ body: success('12345') }))
    const pipeline = parsePipeline(`
      list  [type="memo" value="[{\\"address\\": \\"bc1q\\", \\"network\\": \\"bitcoin\\"}]"]
      fetch [type="bridge" name="reserves" requestData="{\\"id\\": $(jb.externalJobID), \\"data\\": {\\"z\\": 1.5, \\"n\\": 123456789012345678901234567890, \\"addresses\\": $(list), \\"t\\": \\"<&>\\"}}"]
      parse [type="jsonparse" path="data,result"]
      list -> fetch -> parse`)
    const sent: string[] = []
    const { terminals } = await runPipeline(pipeline, {
      ...options({ reserves: reserves.url }),
      onBridgeRequest: ({ body }) => sent.push(body),
    })
    expect(terminals[0]).toEqual({ value: '12345' })
    expect(reserves.requests).toHaveLength(1)
    expect(reserves.requests[0].headers['content-type']).toBe('application/json')
    expect(reserves.requests[0].body).toBe(
      `{"data":{"addresses":[{"address":"bc1q","network":"bitcoin"}],"n":123456789012345678901234567890,` +
        `"t":"\\u003c\\u0026\\u003e","z":1.5},"id":"${JOB_ID}","meta":{"latestAnswer":30000000000,"updatedAt":1763700000}}`,
    )
    expect(sent).toEqual([reserves.requests[0].body])
  })

  it('send the meta as the float64s the node holds (a latest answer above 2^53 loses digits)', async () => {
    const reserves = await bridge(() => ({ body: success('1') }))
    const pipeline = parsePipeline(`fetch [type="bridge" name="reserves" requestData="{\\"data\\": {}}"]`)
    await runPipeline(pipeline, {
      vars: ocr2Vars({ externalJobID: JOB_ID, latestAnswer: 10n ** 27n + 1n, updatedAt: 1n }),
      bridgeUrl: () => reserves.url,
    })
    expect(JSON.parse(reserves.requests[0].body)).toEqual({
      data: {},
      meta: { latestAnswer: 1e27, updatedAt: 1 },
    })
    expect(reserves.requests[0].body).toContain('"latestAnswer":1e+27')
  })

  it.each([
    ['an HTTP status of 400 or more', 500, success('1'), /status code 500/],
    [
      'a body statusCode other than 200',
      200,
      JSON.stringify({ statusCode: 502, errorMessage: 'down' }),
      /status 502: down/,
    ],
    [
      'an error beside statusCode 200',
      200,
      JSON.stringify({ statusCode: 200, result: '1', error: { name: 'AdapterError', message: 'stale' } }),
      /status 500: AdapterError: stale/,
    ],
    [
      'a providerStatusCode other than 200',
      200,
      JSON.stringify({ statusCode: 200, providerStatusCode: 429 }),
      /status 429/,
    ],
    ['a 2xx other than 200 without a body statusCode', 202, JSON.stringify({ result: '1' }), /status 202/],
  ])('fail on %s', async (_case, status, body, message) => {
    const reserves = await bridge(() => ({ status, body }))
    const pipeline = parsePipeline(`fetch [type="bridge" name="reserves" requestData="{\\"data\\": {}}"]
      parse [type="jsonparse" path="result"]
      fetch -> parse`)
    const { results } = await runPipeline(pipeline, options({ reserves: reserves.url }))
    expect(results.get('fetch')?.error?.message).toMatch(message)
    expect(results.get('fetch')?.error?.bridgeAnswer).toEqual({ status, body })
    // The failure flows down: jsonparse refuses an errored input.
    expect(results.get('parse')?.error?.message).toMatch(/too many errors/)
  })

  it('fail on an unknown bridge, a dead one, an unknown variable and a variable written inside quotes', async () => {
    const reserves = await bridge(() => ({ body: success('1') }))
    const run = async (requestData: string, table: Record<string, string>) => {
      const pipeline = parsePipeline(`fetch [type="bridge" name="Reserves" requestData="${requestData}"]`)
      const { terminals } = await runPipeline(pipeline, options(table))
      return terminals[0].error?.message
    }
    const data = '{\\"data\\": {}}'
    expect(await run(data, {})).toMatch(/could not find bridge with name 'Reserves'/)
    expect(await run(data, { reserves: await deadUrl() })).toMatch(/error making http request/)
    // $(jobSpec…) is what Flux Monitor runs have; an OCR2 run has $(jb…).
    expect(await run('{\\"id\\": $(jobSpec.externalJobID)}', { reserves: reserves.url })).toMatch(
      /keypath not found: jobSpec.externalJobID/,
    )
    expect(await run('{\\"id\\": \\"$(jb.externalJobID)\\"}', { reserves: reserves.url })).toMatch(
      /while unmarshalling JSON/,
    )
    expect(reserves.requests).toHaveLength(0)
    // Bridge names are case-insensitive: "Reserves" is the bridge stored as "reserves".
    expect(await run(data, { reserves: reserves.url })).toBeUndefined()
  })

  describe('against a real adapter server', () => {
    let auditor: ApiServer
    let adapter: AdapterServer
    beforeAll(async () => {
      auditor = await serveAttestationApi({
        flagged: {
          accountName: 'Flagged',
          totalReserve: '100',
          totalToken: '100',
          ripcord: true,
          ripcordDetails: ['Reconciliation pending'],
        },
      })
      adapter = await startAdapterServer(makeAttestationAdapter(), {
        ATTESTATION_API_URL: auditor.url,
        ATTESTATION_RETRIES: '0',
        BACKGROUND_EXECUTE_MS_HTTP: '50',
      })
    })
    afterAll(async () => {
      await adapter?.close()
      await auditor?.close()
    })

    const attest = (data: string) =>
      observe(
        parsePipeline(`fetch [type="bridge" name="attestation" requestData="${data}"]
        parse  [type="jsonparse" path="data,result"]
        answer [type="median"]
        fetch -> parse -> answer`),
        options({ attestation: adapter.url }),
      )

    it("fail on the framework's 400 for a bad input, naming the field", async () => {
      const failure = await attest('{\\"data\\": {\\"decimals\\": 18}}').catch((e: unknown) => e)
      expect(failure).toBeInstanceOf(ObservationError)
      const [root] = (failure as ObservationError).failures
      expect(root.task).toBe('fetch')
      expect(root.bridgeAnswer?.status).toBe(400)
      expect(root.message).toMatch(/client/)
    })

    it("fail on the auditor's ripcord (a 503 from the adapter)", async () => {
      let failure: ObservationError | undefined
      // The first answers may be the framework's 504 "no value yet", as a node sees them.
      for (let round = 0; round < 20; round++) {
        failure = (await attest('{\\"data\\": {\\"client\\": \\"flagged\\", \\"decimals\\": 18}}').catch(
          (e: unknown) => e,
        )) as ObservationError
        if (failure.failures[0].bridgeAnswer?.status !== 504) break
      }
      expect(failure!.failures[0].bridgeAnswer?.status).toBe(503)
      expect(failure!.failures[0].message).toMatch(/ripcord/)
    })
  })
})

describe('jsonparse', () => {
  const parseWith = async (answer: string, attributes: string) => {
    const source = await bridge(() => ({ body: answer }))
    const pipeline = parsePipeline(`fetch [type="bridge" name="s" requestData="{}"]
      parse [type="jsonparse" ${attributes}]
      fetch -> parse`)
    const { terminals } = await runPipeline(pipeline, options({ s: source.url }))
    return terminals[0]
  }

  it('follows a path, with its separator, into objects and arrays (negative indexes from the end)', async () => {
    const answer = JSON.stringify({ statusCode: 200, data: { 'a,b': [{ x: 'first' }, { x: 'last' }] } })
    expect(await parseWith(answer, 'path="data|a,b|-1|x" separator="|"')).toEqual({ value: 'last' })
    expect(await parseWith(answer, 'path="data,a,b"')).toEqual({
      error: expect.objectContaining({
        message: expect.stringMatching(/could not resolve path \["data","a","b"\]/),
      }),
    })
    expect(await parseWith(answer, 'path="data|a,b|2" separator="|"')).toEqual({
      error: expect.objectContaining({ message: expect.stringMatching(/could not resolve path/) }),
    })
  })

  it('reads JSON numbers as float64s, so an integer above 2^53 loses digits (hence results sent as strings)', async () => {
    const answer = '{"statusCode":200,"result":12345678901234567891,"text":"12345678901234567891"}'
    const source = await bridge(() => ({ body: answer }))
    const pipeline = (path: string) =>
      parsePipeline(`fetch [type="bridge" name="s" requestData="{}"]
        parse  [type="jsonparse" path="${path}"]
        answer [type="median"]
        fetch -> parse -> answer`)
    expect(await observe(pipeline('result'), options({ s: source.url }))).toBe(12345678901234567000n)
    expect(await observe(pipeline('text'), options({ s: source.url }))).toBe(12345678901234567891n)
  })
})

describe('arithmetic and the observation', () => {
  /** The single result's value as text (a decimal's plain text), or its error message. */
  const value = async (dot: string) => {
    const { terminals } = await runPipeline(parsePipeline(dot), options({}))
    const [result] = terminals
    return result.error ? result.error.message : String(result.value)
  }

  it('multiplies and divides exactly, where float64 would not', async () => {
    expect(await value('m [type="multiply" input="1.1" times="3"]')).toBe('3.3')
    expect(await value('m [type="multiply" input="123456789012345678901234567890.5" times="1e8"]')).toBe(
      '12345678901234567890123456789050000000',
    )
    // Division rounds half away from zero to 16 places, or to the precision asked for.
    expect(await value('d [type="divide" input="2" divisor="3"]')).toBe('0.6666666666666667')
    expect(await value('d [type="divide" input="-5" divisor="2" precision="0"]')).toBe('-3')
    expect(await value('d [type="divide" input="1" divisor="0"]')).toMatch(/divide by zero/)
    expect(await value('m [type="multiply" input="1,5" times="2"]')).toMatch(/can't convert "1,5" to decimal/)
  })

  it('takes the median of its inputs, allowing all but one to fail unless told otherwise', async () => {
    const dot = (allowed: string) => `
      a [type="memo" value="\\"5\\""]
      b [type="memo" value="\\"1\\""]
      c [type="divide" input="1" divisor="0"]
      d [type="memo" value="\\"2.5\\""]
      m [type="median" ${allowed}]
      a -> m
      b -> m
      c -> m
      d -> m`
    expect(await value(dot(''))).toBe('2.5')
    expect(await value(dot('allowedFaults=0'))).toMatch(/faulty inputs 1 > number allowed faults 0/)
    expect(await value('m [type="median" values=<[1, 2, 4, 8]>]')).toBe('3')
    expect(await value('s [type="sum" values=<[0]>]')).toBe('0')
  })

  it('observes the single final value as an integer, truncated toward zero', async () => {
    const observed = (dot: string) => observe(parsePipeline(dot), options({}))
    expect(await observed('m [type="multiply" input="2.99" times="1"]')).toBe(2n)
    expect(await observed('m [type="multiply" input="-2.99" times="1"]')).toBe(-2n)
    await expect(observed('m [type="memo" value="\\"not a number\\""]')).rejects.toThrow(
      /cannot convert observation to decimal/,
    )
    await expect(observed('a [type="memo" value="1"]\nb [type="memo" value="2"]')).rejects.toThrow(
      /exactly one task, not 2/,
    )
  })

  it('marshals values as Go does', () => {
    expect(goJson({ b: [1.5, 2n, Decimal.parse('1.50'), null, true], a: '<x>' })).toBe(
      '{"a":"\\u003cx\\u003e","b":[1.5,2,"1.5",null,true]}',
    )
  })
})

describe("jobs/README.md's live juelsPerFeeCoin pipeline", () => {
  /** The TOML block of the README's juelsPerFeeCoinSource section. */
  const livePipeline = () => {
    const readme = readFileSync(join(REPO_ROOT, 'jobs', 'README.md'), 'utf8')
    const block = /^## juelsPerFeeCoinSource$[\s\S]*?^```toml\n([\s\S]*?)^```$/m.exec(readme)
    if (!block) throw new Error('jobs/README.md: no toml block under "## juelsPerFeeCoinSource"')
    return parsePipeline(String(parseToml(block[1]).juelsPerFeeCoinSource))
  }

  it.each([
    ['0.004', 250_000_000_000_000_000_000n],
    // 10^18 / 0.0042 = 238095238095238095238.095…: whole juels, exact (a float64 would be off).
    ['0.0042', 238_095_238_095_238_095_238n],
  ])('turns 1 LINK = %s ETH into juels per ETH', async (price, juels) => {
    // A stand-in for the operator's LINK/ETH price adapter (a price feed for billing).
    const priceAdapter = await bridge(() => ({ body: success(price) }))
    expect(await observe(livePipeline(), options({ 'link-eth': priceAdapter.url }))).toBe(juels)
    expect(JSON.parse(priceAdapter.requests[0].body).data).toEqual({ base: 'LINK', quote: 'ETH' })
  })
})
