/**
 * `npm run new:adapter -- <name>`: a new adapter made from the template in
 * scripts/templates/adapter/, a working adapter against a JSON reserves API with its README
 * (generated tables), CHANGELOG, unit and integration tests (a recorded fixture) and its
 * conformance declaration; its bridge and OCR2 job in jobs/<name>/ (scripts/templates/jobs/);
 * and its rows in the tables of the root README and jobs/README.md. It passes `npm test`,
 * `npm run lint` and the conformance suite as created; the author then makes it read the real
 * provider.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { ADAPTERS_DIR, SHARED_FOLDER } from './adapters'
import { REPO_DIR, adapterDoc, writeDocs } from './docs'

/** The template: an adapter named `adapter-template`, type-checked and linted where it stands. */
export const TEMPLATE_DIR = join(REPO_DIR, 'scripts', 'templates', 'adapter')
/** The template's bridge and job spec, for jobs/<name>/. */
export const JOBS_TEMPLATE_DIR = join(REPO_DIR, 'scripts', 'templates', 'jobs')

/**
 * The rows a new adapter adds to the READMEs' tables, written for the template (renamed like its
 * files): the root README's adapter table, and jobs/README.md's files and placeholders.
 */
export const TABLE_ROWS: { file: string; heading: string; rows: string[] }[] = [
  {
    file: 'README.md',
    heading: '## Adapters',
    rows: [
      "| `adapter-template` | an account's reserves, from a JSON reserves API (the template: say what it reads) | [adapters/adapter-template](adapters/adapter-template/README.md) |",
    ],
  },
  {
    file: 'jobs/README.md',
    heading: '## Files',
    rows: [
      '| `adapter-template/bridge.json` | bridge `adapter-template` |',
      "| `adapter-template/job.toml` | an account's reserves from a JSON reserves API, `decimals` 18: feed decimals **18** |",
    ],
  },
  {
    file: 'jobs/README.md',
    heading: '## Placeholders',
    rows: [
      '| `<ADAPTER_TEMPLATE_ACCOUNT>` | `adapter-template/job.toml` | the account whose reserves the feed reports (the adapter reads `ADAPTER_TEMPLATE_API_URL` + `/` + it) |',
    ],
  },
]

/** `markdown` with `rows` added at the end of the first table under `heading`. */
export function addTableRows(markdown: string, heading: string, rows: string[]): string {
  const lines = markdown.split('\n')
  const at = lines.indexOf(heading)
  if (at < 0) throw new Error(`no "${heading}" section`)
  let first = at + 1
  while (first < lines.length && !lines[first].startsWith('|') && !lines[first].startsWith('#')) first++
  if (!lines[first]?.startsWith('|')) throw new Error(`the "${heading}" section has no table`)
  let end = first
  while (lines[end]?.startsWith('|')) end++
  return [...lines.slice(0, end), ...rows, ...lines.slice(end)].join('\n')
}

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
  if (existsSync(join(dirname(adaptersDir), 'jobs', name))) return `jobs/${name} already exists`
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

/** Writes `text` to `file`, formatted by Prettier as `npm run lint` wants it when it is TypeScript, JSON or markdown. */
async function writeFormatted(file: string, text: string): Promise<void> {
  if (/\.(ts|md|json)$/.test(file)) {
    text = await format(text, { ...(await resolveConfig(file)), filepath: file })
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
}

/**
 * Creates `adapters/<name>/` and `jobs/<name>/` from the templates: every file copied with the
 * name replaced, formatted by Prettier (names change line lengths); the README's tables
 * generated; the rows of {@link TABLE_ROWS} added. Throws before writing anything when the name
 * is refused. Returns the files written or changed, relative to the repository.
 */
export async function createAdapter(name: string, adaptersDir = ADAPTERS_DIR): Promise<string[]> {
  const problem = adapterNameProblem(name, adaptersDir)
  if (problem) throw new Error(problem)
  const repoDir = dirname(adaptersDir)
  const written: string[] = []
  for (const [templateDir, target] of [
    [TEMPLATE_DIR, join(adaptersDir, name)],
    [JOBS_TEMPLATE_DIR, join(repoDir, 'jobs', name)],
  ]) {
    for (const source of filesUnder(templateDir)) {
      const file = join(target, renameTemplate(relative(templateDir, source), name))
      await writeFormatted(file, renameTemplate(readFileSync(source, 'utf8'), name))
      written.push(relative(repoDir, file))
    }
  }
  for (const { file, heading, rows } of TABLE_ROWS) {
    const path = join(repoDir, file)
    const renamed = rows.map((row) => renameTemplate(row, name))
    await writeFormatted(path, addTableRows(readFileSync(path, 'utf8'), heading, renamed))
    if (!written.includes(file)) written.push(file)
  }
  await writeDocs([await adapterDoc(name, adaptersDir)], repoDir)
  return written
}
