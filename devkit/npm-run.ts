/**
 * An npm script run as a user runs it from a terminal (the guides' tests): `npm run --silent <script> -- <args>`,
 * its own process group as a terminal's foreground job, so that Ctrl-C (SIGINT to the group) stops it as it
 * stops a user's.
 */
import { spawn } from 'node:child_process'

export interface NpmRun {
  code: number | null
  out: string
  err: string
}

/** Runs `npm run <script> -- <args>` with `env` added; `interruptWhen` sends Ctrl-C once stdout matches it. */
export function npmRun(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  interruptWhen?: RegExp,
): Promise<NpmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      env: { ...process.env, ...env },
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let interrupted = false
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (interruptWhen && !interrupted && interruptWhen.test(out)) {
        interrupted = true
        process.kill(-child.pid!, 'SIGINT')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out, err }))
  })
}
