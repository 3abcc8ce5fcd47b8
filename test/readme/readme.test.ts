/**
 * The root README is what a newcomer runs: its first code block must hold exactly the two commands
 * (setup then the demo, and the tests), each naming scripts that exist, and CI must run them as written.
 * Its layout table must name every top-level folder of the repository.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const readme = readFileSync('README.md', 'utf8')
const scripts = Object.keys(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts,
)

/** The commands of a shell block: each line without its comment, blank lines dropped. */
function commandsOf(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '')
}

function firstShellBlock(markdown: string): string {
  const match = /```sh\n([\s\S]*?)```/.exec(markdown)
  if (match === null) throw new Error('README has no sh code block')
  return match[1]
}

describe('README.md', () => {
  const commands = commandsOf(firstShellBlock(readme))

  it('opens with exactly two commands: setup followed by the demo, and the tests', () => {
    expect(commands).toEqual(['npx -y -p node@24 npm install && npm run demo', 'npm test'])
    const beforeBlock = readme.slice(0, readme.indexOf('```sh'))
    // Two sentences of what this is, under the title, before the commands.
    expect(beforeBlock.split('\n').filter((line) => line.startsWith('#'))).toHaveLength(1)
  })

  it('names only npm scripts that exist', () => {
    for (const command of commands) {
      for (const [, script] of command.matchAll(/npm (?:run )?(\w[\w:-]*)/g)) {
        if (script === 'install') continue
        expect(scripts).toContain(script)
      }
    }
  })

  it('is what CI runs, as written', () => {
    const ci = commandsOf(readFileSync('.ci/run', 'utf8'))
    for (const command of commands) expect(ci).toContain(command)
  })

  it('lists every top-level folder in its layout table', () => {
    const layout = readme.slice(
      readme.indexOf('## Layout'),
      readme.indexOf('\n## ', readme.indexOf('## Layout') + 1),
    )
    // The folders git tracks (build outputs and node_modules are not the layout).
    const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n')
    const folders = [
      ...new Set(tracked.filter((path) => path.includes('/')).map((path) => path.split('/')[0])),
    ].filter((name) => !name.startsWith('.'))
    expect(folders).toContain('adapters')
    for (const folder of folders) expect(layout).toMatch(new RegExp('`' + folder + '/'))
  })
})
