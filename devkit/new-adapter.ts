/**
 * `npm run new:adapter -- <name>`: a new adapter made from the template in
 * scripts/templates/adapter/, a working adapter against a JSON reserves API with its README
 * (generated tables), unit and integration tests (a recorded nock.back fixture) and its
 * conformance declaration. It passes `npm test`, `npm run lint` and the conformance suite as
 * created; the author then makes it read the real provider.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { ADAPTERS_DIR, SHARED_FOLDER } from './adapters'
import { REPO_DIR, adapterDoc, writeDocs } from './docs'

/** The template: an adapter named `adapter-template`, type-checked and linted where it stands. */
export const TEMPLATE_DIR = join(REPO_DIR, 'scripts', 'templates', 'adapter')

/** The template's name, in each of the forms it is written in. */
const TEMPLATE_NAME = 'adapter-template'

const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/** Why `name` cannot be a new adapter in `adaptersDir`, or undefined if it can. */
export function adapterNameProblem(name: string, adaptersDir = ADAPTERS_DIR): string | undefined {
  if (!KEBAB_CASE.test(name)) {
    return `"${name}" is not a kebab-case name (lower-case letters and digits in words joined by "-", starting with a letter, e.g. "gold-reserves")`
  }
  if (name === SHARED_FOLDER) return `"${SHARED_FOLDER}" is the adapters' shared code, not an adapter`
  if (existsSync(join(adaptersDir, name))) return `adapters/${name} already exists`
  return undefined
}

/** `gold-reserves` as `gold-reserves`, `GOLD_RESERVES`, `GoldReserves` and `goldReserves`. */
export function nameForms(name: string): Record<'kebab' | 'constant' | 'pascal' | 'camel', string> {
  const words = name.split('-')
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')
  return {
    kebab: name,
    constant: words.join('_').toUpperCase(),
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
  }
}

/** The template's text with its name replaced by `name`, in every form. */
export function renameTemplate(text: string, name: string): string {
  const from = nameForms(TEMPLATE_NAME)
  const to = nameForms(name)
  return (Object.keys(from) as (keyof typeof from)[]).reduce(
    (result, form) => result.replaceAll(from[form], to[form]),
    text,
  )
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * Creates `adapters/<name>/` from the template: every file copied with the name replaced, the
 * TypeScript and markdown formatted by Prettier (names change line lengths), the README's
 * tables generated. Throws before writing anything when the name is refused. Returns the files
 * written, relative to the repository.
 */
export async function createAdapter(name: string, adaptersDir = ADAPTERS_DIR): Promise<string[]> {
  const problem = adapterNameProblem(name, adaptersDir)
  if (problem) throw new Error(problem)
  const repoDir = dirname(adaptersDir)
  const target = join(adaptersDir, name)
  const written: string[] = []
  for (const source of filesUnder(TEMPLATE_DIR)) {
    const file = join(target, renameTemplate(relative(TEMPLATE_DIR, source), name))
    let text = renameTemplate(readFileSync(source, 'utf8'), name)
    if (/\.(ts|md)$/.test(file)) {
      text = await format(text, { ...(await resolveConfig(file)), filepath: file })
    }
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text)
    written.push(relative(repoDir, file))
  }
  await writeDocs([await adapterDoc(name, adaptersDir)], repoDir)
  return written
}
