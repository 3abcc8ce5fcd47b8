import { describe, expect, it } from '@jest/globals'
import { adapterNames } from '#devkit/adapters'
import {
  adapterReadme,
  decimalsInputOf,
  exampleProblems,
  readmeExamples,
  shapeDifferences,
} from '#devkit/readme-examples'

const block = (value: unknown) => `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\`\n`
const REQUEST = { id: '1', data: { vault: 'london', decimals: 8 } }
const ANSWER = {
  data: {
    result: '160232800000',
    decimals: 8,
    unit: 'toz',
    bars: 4,
    vaults: [{ vault: 'london', result: '1' }],
  },
  result: '160232800000',
  statusCode: 200,
}
/** gold-vault's README with its examples replaced by `request` and `answer`. */
const readme = (request: unknown, answer: unknown) =>
  `# gold-vault\n\nSettings: ${block({ not: 'a request' })}\nExample: ${block(request)}\nAnswer: ${block(answer)}`

describe("an adapter README's examples", () => {
  it('are found: the first request block, and the first 200 answer after it', () => {
    const markdown = `${block({ statusCode: 503 })}${block(REQUEST)}${block({ statusCode: 502 })}${block(ANSWER)}`
    expect(readmeExamples(markdown)).toEqual({ request: REQUEST, answer: ANSWER })
  })

  it('of every adapter here agree with its code (what npm run lint checks)', async () => {
    for (const name of adapterNames()) {
      expect([name, await exampleProblems(name, adapterReadme(name), await decimalsInputOf(name))]).toEqual([
        name,
        [],
      ])
    }
  })

  it('are refused when the request is not one the endpoint takes', async () => {
    const problems = await exampleProblems(
      'gold-vault',
      readme({ id: '1', data: { vaults: 'london' } }, ANSWER),
      'decimals',
    )
    expect(problems).toEqual([
      "adapters/gold-vault/README.md, example request: data.vaults is not an input of gold-vault's inventory endpoint",
      expect.stringMatching(
        /^adapters\/gold-vault\/README\.md, example request: gold-vault's inventory endpoint refuses it: .*vault/,
      ),
    ])
  })

  it('are refused when the answer disagrees with itself or with the request', async () => {
    const answer = { ...ANSWER, data: { ...ANSWER.data, result: '1', decimals: 6 } }
    expect(await exampleProblems('gold-vault', readme(REQUEST, answer), 'decimals')).toEqual([
      'adapters/gold-vault/README.md, example answer: data.result must be result',
      'adapters/gold-vault/README.md, example answer: data.decimals is 6, but the request asks for decimals 8',
    ])
    expect(await exampleProblems('gold-vault', `# x\n${block(REQUEST)}`)).toEqual([
      'adapters/gold-vault/README.md has no example answer after its request (a JSON block with "statusCode": 200)',
    ])
  })

  it("differ from the adapter's answer where a field is renamed, missing, added or of another type", () => {
    const actual = { ...ANSWER, data: { ...ANSWER.data, bars: null, fineTroyOunces: '1602.328' } }
    expect(shapeDifferences(ANSWER, actual)).toEqual([
      'answer.data.fineTroyOunces: in the answer, not in the README',
    ])
    const renamed = { ...ANSWER, data: { ...ANSWER.data, vaults: [{ vaultName: 'london', result: '1' }] } }
    expect(shapeDifferences(renamed, ANSWER)).toEqual([
      'answer.data.vaults[].vaultName: in the README, not in the answer',
      'answer.data.vaults[].vault: in the answer, not in the README',
    ])
    expect(shapeDifferences({ ...ANSWER, result: 160232800000 }, ANSWER)).toEqual([
      'answer.result: a number in the README, a string in the answer',
    ])
    expect(shapeDifferences(ANSWER, ANSWER)).toEqual([])
  })

  it('compare an object keyed by ids (chain ids) as a map: its keys are data, its values are its shape', () => {
    const budgets = (mintables: Record<string, unknown>) => ({ data: { mintables } })
    expect(
      shapeDifferences(
        budgets({ '1': { mintable: '5', block: 7 } }),
        budgets({ '31337': { mintable: '6', block: 8 } }),
      ),
    ).toEqual([])
    expect(
      shapeDifferences(
        budgets({ '1': { mintable: '5', block: 7 } }),
        budgets({ '31337': { mintable: '6' } }),
      ),
    ).toEqual(['answer.data.mintables[].block: in the README, not in the answer'])
    // A field named by a word is no id: compared by name.
    expect(shapeDifferences(budgets({ alpha: 1 }), budgets({ beta: 1 }))).toEqual([
      'answer.data.mintables.alpha: in the README, not in the answer',
      'answer.data.mintables.beta: in the answer, not in the README',
    ])
  })
})
