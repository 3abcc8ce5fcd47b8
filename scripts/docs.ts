/**
 * `npm run docs` rewrites the generated parts of the READMEs (each adapter's settings and input
 * tables, the root README's gas table) from the code; `npm run docs -- --check` (run by
 * `npm run lint`) only reports the files that are out of date, and fails if any is.
 * The generator itself is devkit/docs.ts.
 */
import { allDocs, checkDocs, writeDocs } from '#devkit/docs'

async function main(): Promise<void> {
  const docs = await allDocs()
  if (process.argv.includes('--check')) {
    const problems = await checkDocs(docs)
    for (const problem of problems) console.error(problem)
    if (problems.length > 0) process.exit(1)
    return
  }
  const written = await writeDocs(docs)
  console.log(written.length > 0 ? `rewrote ${written.join(', ')}` : 'docs are up to date')
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
