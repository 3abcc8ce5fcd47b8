import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { REPO_DIR, scriptsPart } from '#devkit/docs'
import { NPM_SCRIPT_GROUPS, npmScriptProblems } from '#devkit/npm-scripts'

const { scripts } = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}

describe('the npm scripts', () => {
  it('are each described, once, and listed by package.json in their groups', () => {
    expect(npmScriptProblems(scripts)).toEqual([])
    const described = NPM_SCRIPT_GROUPS.flatMap((g) => Object.keys(g.scripts))
    expect(new Set(described).size).toBe(described.length)
  })

  it('are named in one word or <verb>:<what>', () => {
    for (const name of Object.keys(scripts)) expect(name).toMatch(/^[a-z]+(:[a-z][a-z-]*)?$/)
  })

  it('a script without a description fails the docs (and so lint), saying where to add it', () => {
    const added = { ...scripts, undescribed: 'node undescribed.ts' }
    expect(npmScriptProblems(added)).toEqual([
      'package.json script "undescribed" has no description: add one to devkit/npm-scripts.ts',
    ])
    expect(() => scriptsPart(added)).toThrow('package.json script "undescribed" has no description')
  })

  it('a description of a script that is gone, or scripts out of their groups, fail too', () => {
    const { demo: _demo, ...withoutDemo } = scripts
    expect(npmScriptProblems(withoutDemo)).toEqual([
      'devkit/npm-scripts.ts describes "demo", which package.json does not have',
    ])
    const { 'bench:load': load, ...rest } = scripts
    expect(npmScriptProblems({ 'bench:load': load, ...rest })).toEqual([
      expect.stringMatching(/^package.json lists its scripts out of their groups' order: demo, test/),
    ])
  })
})
