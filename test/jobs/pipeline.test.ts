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
  DEFAULT_HTTP_MAX_SIZE,
  Decimal,
  ObservationError,
  PipelineSpecError,
  goJson,
  goParseInt,
  goUnquote,
  nodeFileSize,
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

/** The single result's value as text (a decimal's plain text), or its error message. */
const value = async (dot: string) => {
  const { terminals } = await runPipeline(parsePipeline(dot), options({}))
  const [result] = terminals
  return result.error ? result.error.message : String(result.value)
}

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

  it('keeps JSON integers exact (int64, uint64, big.Int) and reads other numbers as float64s', async () => {
    const answer =
      '{"statusCode":200,"above2p53":9007199254740993,"above2p64":123456789012345678901234567890,' +
      '"uint64":12345678901234567891,"fraction":12.75,"exponent":1e2,"text":"12345678901234567891","huge":1e400}'
    const source = await bridge(() => ({ body: answer }))
    const observed = (path: string) =>
      observe(
        parsePipeline(`fetch [type="bridge" name="s" requestData="{}"]
          parse  [type="jsonparse" path="${path}"]
          answer [type="median"]
          fetch -> parse -> answer`),
        options({ s: source.url }),
      )
    // A float64 would give 9007199254740992 and 123456789012345677877719597056.
    expect(await observed('above2p53')).toBe(9_007_199_254_740_993n)
    expect(await observed('above2p64')).toBe(123_456_789_012_345_678_901_234_567_890n)
    // An integer in [2^63, 2^64) is a uint64, which utils.ToDecimal makes an int64: 12345678901234567891 − 2^64.
    expect(await observed('uint64')).toBe(-6_101_065_172_474_983_725n)
    expect(await observed('text')).toBe(12_345_678_901_234_567_891n)
    expect(await observed('fraction')).toBe(12n)
    expect(await observed('exponent')).toBe(100n)
    // Only the value found is reinterpreted: a number beyond float64 elsewhere does not matter.
    await expect(observed('huge')).rejects.toThrow(/parsing "1e400": value out of range/)
  })

  it('hands an exact integer on to the next bridge as the same digits', async () => {
    const source = await bridge(() => ({
      body: '{"n": 123456789012345678901234567890, "u": 18446744073709551615}',
    }))
    const sink = await bridge(() => ({ body: success('1') }))
    await runPipeline(
      parsePipeline(`fetch [type="bridge" name="s" requestData="{}"]
        n    [type="jsonparse" path="n"]
        u    [type="jsonparse" data="$(fetch)" path="u"]
        send [type="bridge" name="t" requestData="{\\"data\\": {\\"n\\": $(n), \\"u\\": $(u)}}"]
        fetch -> n -> u -> send`),
      options({ s: source.url, t: sink.url }),
    )
    expect(sink.requests[0].body).toContain(
      '"data":{"n":123456789012345678901234567890,"u":18446744073709551615}',
    )
  })

  it("reads only the first JSON value, as Go's json.Decoder does", async () => {
    expect(await parseWith('{"result": "5"} and then anything', 'path="result"')).toEqual({ value: '5' })
    expect(await parseWith('7 8', 'path=""')).toEqual({ value: 7n })
    expect(await parseWith('  {"result": "5"', 'path="result"')).toEqual({
      error: expect.objectContaining({ message: expect.stringMatching(/not JSON: unexpected EOF/) }),
    })
    expect(await parseWith('1.x', 'path=""')).toEqual({
      error: expect.objectContaining({ message: expect.stringMatching(/not JSON/) }),
    })
  })
})

describe('arithmetic and the observation', () => {
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
      a [type="memo" value="5"]
      b [type="memo" value="1"]
      c [type="divide" input="1" divisor="0"]
      d [type="memo" value="2.5"]
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

describe('the order of tasks and of their inputs, as the node gives it', () => {
  it("orders a task's inputs by the tasks' positions in gonum's topological order, not by the edges as written", async () => {
    // gonum numbers u, v, w, d in the order they first appear; its sort places v before w and u,
    // so the divide's first input is v (20), although u's edge is written first and u is defined first.
    const dot = `
      u [type="multiply" times="1"]
      v [type="memo" value="20"]
      w [type="memo" value="10"]
      d [type="divide" divisor="1"]
      w -> u -> d
      v -> d`
    expect(parsePipeline(dot).tasks.map((t) => t.id)).toEqual(['v', 'w', 'u', 'd'])
    expect(parsePipeline(dot).tasks.find((t) => t.id === 'd')?.inputs).toEqual(['v', 'u'])
    expect(await value(dot)).toBe('20')
  })

  it('counts the edge a variable implies in that order, without passing its result in', async () => {
    // y reads $(x): the node adds an edge x -> y, which moves y after b; d's first input is then b (7).
    const dot = `
      d [type="divide" divisor="1"]
      a [type="multiply" times="1"]
      b [type="multiply" times="7"]
      y [type="multiply" times="$(x)"]
      x [type="memo" value="1"]
      x -> a -> y -> d
      x -> b -> d`
    const pipeline = parsePipeline(dot)
    expect(pipeline.tasks.map((t) => t.id)).toEqual(['x', 'a', 'b', 'y', 'd'])
    expect(pipeline.tasks.find((t) => t.id === 'y')?.inputs).toEqual(['a'])
    expect(await value(dot)).toBe('7')
  })

  it('puts inputs in the order of their index, an unset index first, then by position', async () => {
    const dot = (aIndex: string, bIndex: string) => `
      a [type="memo" value="10" ${aIndex}]
      b [type="memo" value="20" ${bIndex}]
      d [type="divide" divisor="1"]
      a -> d
      b -> d`
    expect(await value(dot('', ''))).toBe('10')
    expect(await value(dot('index=2', 'index=1'))).toBe('20')
    expect(await value(dot('index=0', ''))).toBe('20')
    expect(await value(dot('index=0', 'index=0'))).toBe('10')
    // One edge per pair of tasks, however often it is written.
    expect(
      parsePipeline('a [type="memo" value="1"]\nm [type="multiply" times="2"]\na -> m\na -> m').tasks[1]
        .inputs,
    ).toEqual(['a'])
  })

  it('reads index as Go reads an int32 (any base), and refuses a negative, non-int32 or repeated one', () => {
    const indexOf = (index: string) =>
      parsePipeline(`a [type="memo" value="1" index=${index}]`).tasks[0].index
    expect(indexOf('"0x10"')).toBe(16)
    expect(indexOf('"017"')).toBe(15)
    expect(indexOf('"1_000"')).toBe(1000)
    expect(indexOf('""')).toBe(0)
    expect(indexOf('2147483647')).toBe(2_147_483_647)
    expect(parsePipeline('a [type="memo" value="1"]').tasks[0].index).toBe(-1)
    expect(() => indexOf('"-1"')).toThrow(/result sorting indexes should start with 0/)
    for (const bad of ['2147483648', '"1.5"', '" 1"', '"08"', '"one"']) {
      expect(() => indexOf(bad)).toThrow(PipelineSpecError)
    }
    expect(() =>
      parsePipeline('a [type="memo" value="1" index=1]\nb [type="memo" value="2" index=1]'),
    ).toThrow(/duplicate sorting indexes/)
    // The node checks only positive indexes for repeats.
    expect(
      parsePipeline('a [type="memo" value="1" index=0]\nb [type="memo" value="2" index=0]').terminals,
    ).toHaveLength(2)
  })

  it('refuses a divide fed by more than 12 inputs of one index, whose order Go leaves undefined', () => {
    const inputs = Array.from({ length: 13 }, (_, i) => `i${i} [type="memo" value="${i}"]\ni${i} -> d`)
    const dot = (divideType: string) =>
      `${inputs.join('\n')}\nd [type="${divideType}" ${divideType === 'divide' ? 'divisor="1"' : ''}]`
    expect(() => parsePipeline(dot('divide'))).toThrow(/more than 12 inputs/)
    // A median's answer does not depend on the order of its inputs.
    expect(parsePipeline(dot('median')).tasks).toHaveLength(14)
  })

  it("reads integers as Go's strconv.ParseInt and ParseUint do", () => {
    expect(goParseInt('0o17', 0, 32)).toBe(15n)
    expect(goParseInt('0b_101', 0, 32)).toBe(5n)
    expect(goParseInt('+5', 10, 32)).toBe(5n)
    expect(goParseInt('-2147483648', 10, 32)).toBe(-2_147_483_648n)
    expect(goParseInt('18446744073709551615', 10, 64, false)).toBe(2n ** 64n - 1n)
    for (const [text, base] of [
      ['1_000', 10],
      ['_1', 0],
      ['1__0', 0],
      ['1_', 0],
      ['0x', 0],
      [' 1', 10],
      ['1 ', 10],
      ['', 10],
      ['+-1', 10],
    ] as const) {
      expect({ text, parsed: goParseInt(text, base, 32) }).toEqual({ text, parsed: undefined })
    }
    expect(goParseInt('-1', 10, 64, false)).toBeUndefined()
    expect(goParseInt('+1', 10, 64, false)).toBeUndefined()
  })
})

describe('memo', () => {
  const run = async (dot: string, table: Record<string, string> = {}) => {
    const { terminals } = await runPipeline(parsePipeline(dot), options(table))
    return terminals[0]
  }
  const failure = async (dot: string) => (await run(dot)).error?.message

  it("answers the node's ObjectParam: a number in it feeds a median or a multiply, a string in it does not", async () => {
    const number = await run('m [type="memo" value="2.5"]\nx [type="median"]\nm -> x')
    expect(String(number.value)).toBe('2.5')
    expect(
      String((await run('m [type="memo" value="3"]\nx [type="multiply" times="2"]\nm -> x')).value),
    ).toBe('6')
    expect(await failure('m [type="memo" value="\\"2.5\\""]\nx [type="median"]\nm -> x')).toMatch(
      /pipeline.ObjectParam cannot be converted to decimal/,
    )
    expect(await failure('m [type="memo" value="\\"3\\""]\nx [type="multiply" times="2"]\nm -> x')).toMatch(
      /pipeline.ObjectParam cannot be converted to decimal/,
    )
    // A list in a memo is not a list to a median.
    expect(await failure('m [type="memo" value="[1, 2]"]\nx [type="median" values="$(m)"]\nm -> x')).toMatch(
      /expected slice, got pipeline.ObjectParam/,
    )
    // Nor can a variable reach inside it.
    expect(
      await failure(
        'm [type="memo" value="{\\"a\\": 1}"]\nx [type="multiply" input="$(m.a)" times="1"]\nm -> x',
      ),
    ).toMatch(/keypath not found/)
  })

  it('is never the final answer, even holding a number', async () => {
    await expect(observe(parsePipeline('m [type="memo" value="5"]'), options({}))).rejects.toThrow(
      /cannot convert observation to decimal: type pipeline.ObjectParam/,
    )
  })

  it('gives its text to jsonparse and its map to a bridge, as the values they hold', async () => {
    expect(
      (await run('m [type="memo" value="\\"{\\\\\\"a\\\\\\": 1}\\""]\np [type="jsonparse" path="a"]\nm -> p'))
        .value,
    ).toBe(1n)
    const sink = await bridge(() => ({ body: success('1') }))
    await run(
      `m [type="memo" value="{\\"data\\": {\\"list\\": [1, 2]}}"]
       c [type="memo" value="[1, 2]"]
       l [type="memo" value="$(c)"]
       b [type="bridge" name="t" requestData="$(m)"]
       o [type="bridge" name="t" requestData="{\\"data\\": {\\"copy\\": $(l), \\"n\\": $(c)}}"]
       m -> b
       c -> l -> o`,
      { t: sink.url },
    )
    expect(JSON.parse(sink.requests[0].body).data).toEqual({ list: [1, 2] })
    // A memo copying another memo's list loses it (the ObjectParam copy leaves SliceValue behind).
    expect(JSON.parse(sink.requests[1].body).data).toEqual({ copy: null, n: [1, 2] })
  })
})

describe('precision and allowedFaults, read as written', () => {
  it('refuses a precision with a space around it, and one beyond int32', async () => {
    expect(await value('d [type="divide" input="2" divisor="3" precision="2"]')).toBe('0.67')
    expect(await value('d [type="divide" input="2" divisor="3" precision="+2"]')).toBe('0.67')
    expect(await value('d [type="divide" input="2" divisor="3" precision=" 2"]')).toMatch(
      /precision: strconv.ParseInt/,
    )
    expect(await value('d [type="divide" input="2" divisor="3" precision="2 "]')).toMatch(
      /precision: strconv.ParseInt/,
    )
    expect(await value('d [type="divide" input="2" divisor="3" precision="2147483648"]')).toMatch(/precision/)
    // Blank is unset: the default 16 places.
    expect(await value('d [type="divide" input="2" divisor="3" precision=" "]')).toBe('0.6666666666666667')
  })

  it('refuses allowedFaults with a space around it, and turns one of 2^63 or more negative', async () => {
    const median = (allowed: string) =>
      `a [type="memo" value="1"]\nm [type="median" allowedFaults="${allowed}"]\na -> m`
    expect(await value(median('1'))).toBe('1')
    expect(await value(median(' 1'))).toMatch(/allowedFaults: strconv.ParseUint/)
    expect(await value(median('+1'))).toMatch(/allowedFaults: strconv.ParseUint/)
    // int(18446744073709551615) is −1: fewer than no faults allowed, so even a run without one fails.
    expect(await value(median('18446744073709551615'))).toMatch(/faulty inputs 0 > number allowed faults -1/)
  })
})

describe("the node's bridge body limit (JobPipeline.HTTPRequest.MaxSize)", () => {
  /** A bridge answer of exactly `bytes` bytes, with its figure in `data.result`. */
  const answerOf = (bytes: number) => {
    const head = '{"data":{"result":"42"},"statusCode":200,"pad":"'
    return `${head}${'x'.repeat(bytes - head.length - 2)}"}`
  }
  const replay = async (bytes: number, httpMaxSize?: number) => {
    const source = await bridge(() => ({ body: answerOf(bytes) }))
    const { results } = await runPipeline(
      parsePipeline(`fetch [type="bridge" name="s" requestData="{}"]
        parse [type="jsonparse" path="data,result"]
        fetch -> parse`),
      { ...options({ s: source.url }), httpMaxSize },
    )
    return { fetch: results.get('fetch')!, parse: results.get('parse')! }
  }

  it('is 32,768 bytes by default: a longer answer is cut there silently, and the jsonparse after it fails', async () => {
    expect(DEFAULT_HTTP_MAX_SIZE).toBe(32_768)
    expect((await replay(32_768)).parse).toEqual({ value: '42' })
    const cut = await replay(32_769)
    expect(cut.fetch.error).toBeUndefined()
    expect(cut.fetch.value).toBe(answerOf(32_769).slice(0, 32_768))
    expect(cut.parse.error?.message).toMatch(/data is not JSON: unexpected EOF/)
  })

  it("is set per replay as the node's setting is, '64kb' being 64,000 bytes", async () => {
    expect((await replay(40_000, nodeFileSize('64kb'))).parse).toEqual({ value: '42' })
    expect((await replay(64_001, nodeFileSize('64kb'))).parse.error?.message).toMatch(/not JSON/)
    expect(nodeFileSize('32768')).toBe(32_768)
    expect(nodeFileSize(' 1MB ')).toBe(1_000_000)
    expect(nodeFileSize('1.5kb')).toBe(1500)
    for (const bad of ['1kib', 'kb', '-1', '1 kb']) expect(() => nodeFileSize(bad)).toThrow(/bad filesize/)
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
