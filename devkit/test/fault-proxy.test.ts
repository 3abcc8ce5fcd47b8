import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { REDIRECTED, startFaultProxy, type FaultProxy, type ProxyAction } from '#devkit/fault-proxy'

/** A target that echoes what it was asked, with a header of its own. */
describe('fault proxy', () => {
  let target: Server
  let targetUrl: string
  let proxy: FaultProxy | undefined
  let next: ProxyAction = 'forward'

  beforeAll(async () => {
    target = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = JSON.stringify({
          method: req.method,
          url: req.url,
          key: req.headers['x-api-key'] ?? null,
          body: Buffer.concat(chunks).toString('utf8'),
        })
        res.writeHead(200, {
          'content-type': 'application/json',
          'last-modified': 'Fri, 01 May 2026 06:00:00 GMT',
        })
        res.end(body)
      })
    })
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done))
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/api/`
  })
  beforeEach(async () => {
    proxy = await startFaultProxy(targetUrl, () => next)
  })
  afterEach(() => proxy?.close())
  afterAll(() => new Promise<void>((done) => target.close(() => done())))

  it('relays method, path under the target, headers and body, and the answer with its headers', async () => {
    next = 'forward'
    const get = await fetch(`${proxy!.url}/vaults/london?x=1`, { headers: { 'x-api-key': 'k' } })
    expect(get.status).toBe(200)
    expect(get.headers.get('last-modified')).toBe('Fri, 01 May 2026 06:00:00 GMT')
    expect(await get.json()).toEqual({ method: 'GET', url: '/api/vaults/london?x=1', key: 'k', body: '' })
    const post = await fetch(proxy!.url, { method: 'POST', body: '{"id":1}' })
    expect(await post.json()).toMatchObject({ method: 'POST', url: '/api/', body: '{"id":1}' })
    expect(proxy!.requests).toEqual(['', '{"id":1}'])
    expect(proxy!.forwarded).toBe(2)
  })

  it('answers the first half of the body as a whole one on truncate', async () => {
    next = 'truncate'
    const res = await fetch(`${proxy!.url}/x`)
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text.length).toBe(Number(res.headers.get('content-length')))
    expect(() => JSON.parse(text)).toThrow()
    expect('{"method":"GET","url":"/api/x","key":null,"body":""}'.startsWith(text)).toBe(true)
  })

  it('answers what it is told to, without asking the target', async () => {
    next = { status: 500, body: 'oops', headers: { 'content-type': 'text/plain' } }
    const res = await fetch(`${proxy!.url}/x`)
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([
      500,
      'text/plain',
      'oops',
    ])
    expect(proxy!.forwarded).toBe(0)
  })

  it('never answers on hang, until the client gives up', async () => {
    next = 'hang'
    await expect(fetch(`${proxy!.url}/x`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /aborted|timeout/i,
    )
    expect(proxy!.requests).toHaveLength(1)
    expect(proxy!.forwarded).toBe(0)
  })

  it('drops the connection on destroy', async () => {
    next = 'destroy'
    await expect(fetch(`${proxy!.url}/x`)).rejects.toThrow('fetch failed')
  })

  it('redirects to the same request on itself on redirect, and relays that one, method and body kept', async () => {
    next = 'redirect'
    const manual = await fetch(`${proxy!.url}/x?y=1`, { method: 'POST', body: '{}', redirect: 'manual' })
    expect([manual.status, manual.headers.get('location')]).toEqual([307, `${REDIRECTED}/x?y=1`])
    const followed = await fetch(`${proxy!.url}/x?y=1`, { method: 'POST', body: '{"id":2}' })
    expect(await followed.json()).toMatchObject({ method: 'POST', url: '/api/x?y=1', body: '{"id":2}' })
    expect(proxy!.requestPaths).toEqual(['/x?y=1', '/x?y=1', `${REDIRECTED}/x?y=1`])
    expect(proxy!.forwarded).toBe(1)
  })

  it('sends a body without end on flood, as fast as it is read, and stops when the client hangs up', async () => {
    next = 'flood'
    const res = await fetch(`${proxy!.url}/x`)
    expect([res.status, res.headers.get('content-length')]).toEqual([200, null])
    const reader = res.body!.getReader()
    let read = 0
    while (read < 1_000_000) read += (await reader.read()).value!.length
    await reader.cancel()
    const [outcome] = await Promise.all(proxy!.floods)
    expect(outcome.cut).toBe(true)
    expect(outcome.sent).toBeGreaterThanOrEqual(read - 100)
    expect(outcome.sent).toBeLessThan(64 * 1024 ** 2)
  })
})
