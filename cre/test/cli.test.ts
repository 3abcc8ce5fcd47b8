/** `npm run cre`'s connection to the RPC, as a user runs it (a child process). */
import { spawn } from 'node:child_process'
import { startRedirectingRpc } from '#devkit/rpc-proxy'

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
    const rpc = await startRedirectingRpc()
    try {
      const run = await cre(['local', '--rpc-url', rpc.url])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`redirects (HTTP 307) to ${rpc.targetOrigin}: redirects are not followed`)
      expect(run.stderr + run.stdout).not.toContain('secret-api-key')
      expect(rpc.targetCalls()).toBe(0)
    } finally {
      await rpc.close()
    }
  }, 60_000)
})
