/** Markdown imported as text (`with { type: 'text' }`, Bun): the tests check the READMEs' examples. */
declare module '*.md' {
  const text: string
  export default text
}
