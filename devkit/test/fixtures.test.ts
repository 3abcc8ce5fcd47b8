/**
 * devkit/fixtures.ts recording and replaying against a loopback provider: what nock.back got
 * wrong (issue 22) stays right. Each case uses fixture names of its own: a fixture's mode is
 * decided at its first use in a test file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixtureRecording, readFixture, useFixtures, withFixture } from '#devkit/fixtures'
import { deadUrl } from '#devkit/ports'
import { serveApi, type ApiServer } from '#devkit/simulators/http-api'

/** A figure a float cannot hold, in a body whose bytes matter. */
const EXACT = '{"reserves": 12345678901234567.891}'

let dir: string
let api: ApiServer
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fixtures-'))
  useFixtures(dir)
  api = await serveApi((path) =>
    path === '/exact'
      ? { headers: { 'content-type': 'application/json' }, body: EXACT }
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) },
  )
})
afterAll(async () => {
  await api.close()
  rmSync(dir, { recursive: true, force: true })
})

const mode = (value: string) => {
  process.env.NOCK_BACK_MODE = value
}
afterEach(() => {
  delete process.env.NOCK_BACK_MODE
})

const fixture = (name: string) => join(dir, `${name}.json`)
const paths = (name: string) => readFixture(fixture(name)).interactions.map((i) => i.path)

/** One test's use of fixture `name`: asks `urls`, returns the bodies. */
async function session(name: string, urls: string[]): Promise<string[]> {
  const done = await withFixture(name)
  try {
    return await Promise.all(urls.map(async (url) => (await fetch(url)).text()))
  } finally {
    done()
  }
}

describe('recording', () => {
  it('records the union of what every test sharing a fixture asked, and a test asking nothing empties nothing', async () => {
    mode('update')
    await session('shared', [`${api.url}/a`])
    await session('shared', [`${api.url}/b`, `${api.url}/a`])
    await session('shared', [])
    expect(paths('shared')).toEqual(['/a', '/b'])
  })

  it('writes nothing from a recording that got no answer, and a later record records', async () => {
    mode('record')
    const offline = await deadUrl()
    await expect(session('offline', [`${offline}/a`])).rejects.toThrow()
    expect(existsSync(fixture('offline'))).toBe(false)
    // The next run, online: the fixture is still missing, so `record` records it.
    await session('offline', [`${api.url}/a`])
    expect(paths('offline')).toEqual(['/a'])
  })

  it('records over an empty fixture in record mode (one written by an older devkit)', async () => {
    writeFileSync(fixture('was-empty'), '[]')
    mode('record')
    await session('was-empty', [`${api.url}/a`])
    expect(paths('was-empty')).toEqual(['/a'])
  })

  it('keeps the old fixture when an update gets no answer', async () => {
    writeFileSync(
      fixture('kept'),
      JSON.stringify([{ scope: api.url, method: 'GET', path: '/old', status: 200 }]),
    )
    mode('update')
    await expect(session('kept', [`${await deadUrl()}/a`])).rejects.toThrow()
    expect(paths('kept')).toEqual(['/old'])
  })

  it('keeps a body byte for byte: a figure beyond a float, its spacing', async () => {
    mode('record')
    expect(await session('exact', [`${api.url}/exact`])).toEqual([EXACT])
    const [recorded] = readFixture(fixture('exact')).interactions
    expect(recorded.response).toBe(EXACT)
    // A JSON body that writes back exactly is kept readable, as an object.
    await session('readable', [`${api.url}/r`])
    expect(readFixture(fixture('readable')).interactions[0].response).toEqual({ path: '/r' })
  })

  it('writes when and with what it was recorded, and gives it back', () => {
    mode('update')
    process.env.FIXTURES_TEST_URL = 'https://provider.example/v1'
    try {
      const recording = fixtureRecording(
        'dated',
        { url: 'FIXTURES_TEST_URL', account: 'FIXTURES_TEST_ACCOUNT' },
        {
          account: 'acme',
        },
      )
      expect(recording.with).toEqual({ url: 'https://provider.example/v1', account: 'acme' })
      expect(recording.at).toBeLessThanOrEqual(Date.now())
    } finally {
      delete process.env.FIXTURES_TEST_URL
    }
  })

  it('refuses to record without the live settings, naming them', () => {
    mode('update')
    expect(() => fixtureRecording('undated', { url: 'FIXTURES_TEST_UNSET_URL' })).toThrow(
      'needs FIXTURES_TEST_UNSET_URL',
    )
  })
})

describe('replaying (lockdown)', () => {
  it('answers from the fixture, byte for byte, with no network', async () => {
    writeFileSync(
      fixture('replayed'),
      JSON.stringify({
        recorded: { at: '2026-05-01T12:00:00.000Z', with: { url: 'https://provider.example' } },
        interactions: [
          { scope: 'https://provider.example', method: 'GET', path: '/exact', status: 200, response: EXACT },
        ],
      }),
    )
    expect(await session('replayed', ['https://provider.example/exact'])).toEqual([EXACT])
    // Anything else gets nock's "no match", never the network.
    expect(await session('replayed', ['https://provider.example/other'])).toEqual([
      expect.stringContaining('ERR_NOCK_NO_MATCH'),
    ])
    expect(fixtureRecording('replayed', { url: 'UNUSED_WHEN_REPLAYING' })).toEqual({
      at: Date.parse('2026-05-01T12:00:00.000Z'),
      with: { url: 'https://provider.example' },
    })
  })

  it('says how to record a missing fixture', async () => {
    await expect(withFixture('never-recorded')).rejects.toThrow(/never-recorded\.json is missing: record it/)
  })

  it('never records a replay-only fixture, whatever the mode', async () => {
    writeFileSync(
      fixture('built'),
      JSON.stringify([{ scope: api.url, method: 'GET', path: '/a', status: 200, response: 'built' }]),
    )
    mode('update')
    const done = await withFixture('built', { replayOnly: true })
    expect(await (await fetch(`${api.url}/a`)).text()).toBe('built')
    done()
    expect(readFixture(fixture('built')).interactions[0].response).toBe('built')
  })
})
