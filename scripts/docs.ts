/**
 * `npm run docs` rewrites the generated parts of the READMEs (each adapter's settings and input
 * tables, the root README's gas table) from the code; `npm run docs -- --check` (run by
 * `npm run lint`) only reports the files that are out of date, and each adapter README whose
 * example request or answer disagrees with its code, and fails if any is.
 * The generator itself is devkit/docs.ts.
 */
import { adapterNames } from '#devkit/adapters'
import { allDocs, checkDocs, writeDocs } from '#devkit/docs'
import { adapterReadme, decimalsInputOf, exampleProblems } from '#devkit/readme-examples'

/** Each adapter README's example request and answer, held to the code (devkit/readme-examples.ts). */
async function examplesProblems(): Promise<string[]> {
  const problems = await Promise.all(
    adapterNames().map(async (name) =>
      exampleProblems(name, adapterReadme(name), await decimalsInputOf(name)),
    ),
  )
  return problems.flat()
}

async function main(): Promise<void> {
  const docs = await allDocs()
  if (process.argv.includes('--check')) {
    const problems = [...(await checkDocs(docs)), ...(await examplesProblems())]
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
