export default async function globalTeardown(): Promise<void> {
  for (const chain of globalThis.__LOCAL_CHAINS__ ?? []) {
    chain.process.kill('SIGTERM')
  }
}
