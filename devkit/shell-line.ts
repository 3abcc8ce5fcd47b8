/**
 * A README's command line run as a user runs it from a terminal (the guides' tests): through `sh -c`, quotes and
 * all, in its own process group as a terminal's foreground job, so that Ctrl-C (SIGINT to the group) stops it as
 * it stops a user's.
 */
import { spawn } from 'node:child_process'

export interface ShellRun {
  code: number | null
  out: string
  err: string
}

/** Runs `line` with `env` added; `interruptWhen` sends Ctrl-C once its stdout matches. */
export function shellLine(
  line: string,
  env: Record<string, string | undefined>,
  interruptWhen?: RegExp,
): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], {
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
