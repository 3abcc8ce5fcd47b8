/** `npm run cre`'s connection to the RPC, as a user runs it (a child process). */
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

function cre(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'cre/cli.ts', ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

describe('npm run cre: the RPC', () => {
  it('a redirecting RPC: exit 1, naming where it redirects to, never followed, the URL path never printed', async () => {
    let calls = 0
    const target = createServer((_request, response) => {
      calls += 1
      response.end('{"jsonrpc":"2.0","id":1,"result":"0x7a69"}')
    })
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done))
    const targetOrigin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
    const redirecting = createServer((_request, response) => {
      response.writeHead(307, { location: `${targetOrigin}/v2/elsewhere` }).end()
    })
    await new Promise<void>((done) => redirecting.listen(0, '127.0.0.1', done))
    try {
      const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v2/secret-api-key`
      const run = await cre(['local', '--rpc-url', url])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`redirects (HTTP 307) to ${targetOrigin}: redirects are not followed`)
      expect(run.stderr + run.stdout).not.toContain('secret-api-key')
      expect(calls).toBe(0)
    } finally {
      redirecting.close()
      target.close()
    }
  }, 60_000)
})
