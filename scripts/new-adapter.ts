/**
 * `npm run new:adapter -- <name>` creates adapters/<name>/ and jobs/<name>/ from the templates in
 * scripts/templates/ (see devkit/new-adapter.ts), ready for `npm test`, `npm run lint` and the
 * conformance suite; the root README's "Adapter authors" section says what comes next.
 */
import { createAdapter } from '#devkit/new-adapter'

async function main(): Promise<void> {
  const name = process.argv[2]
  if (!name || process.argv.length > 3) {
    console.error('Usage: npm run new:adapter -- <name>   (kebab-case, e.g. gold-reserves)')
    process.exit(2)
  }
  const files = await createAdapter(name)
  console.log(`Created adapters/${name}/ and jobs/${name}/:\n${files.map((f) => `  ${f}`).join('\n')}`)
  console.log(
    `\nNext: npm run test:adapter -- ${name}, then point it at the real provider (README.md, "Adapter authors").`,
  )
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
