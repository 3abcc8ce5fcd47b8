/**
 * The npm scripts, grouped and described in one line each: the root README's "Scripts" table is
 * generated from here by `npm run docs`. package.json lists its scripts in the same groups and
 * order, so that `npm run` shows them grouped; `npm run lint` fails on a script described here
 * but missing there, or there but not described here, or out of order.
 *
 * Names: one word, or `<verb>:<what>` (`test:adapter`, `build:contracts`, `bench:gas`).
 */
export const NPM_SCRIPT_GROUPS: { group: string; scripts: Record<string, string> }[] = [
  {
    group: 'Start here',
    scripts: {
      demo: 'runs the whole loop on this machine: a local chain, a provider, an adapter, a PoR feed, Automation pausing the token on a shortfall; `-- --runtime cre`: the CRE workflows on a local DON instead; `-- --scenario <name> [--dashboard]` replays an incident (`bridge-drain`, `ripcord`, `stale-feed`, `overmint`) on the dashboard ([demo/](demo/README.md))',
      test: 'builds the contracts, then runs every test offline with two local chains, then `posttest`',
      posttest: "run by `npm test` when it passes: the CRE workflows' tests (`test:workflows`)",
      lint: "runs the type checks, ESLint, Prettier, solhint, the workflows' runtime check and the generated docs' check (READMEs, their examples, this table)",
      format: "applies Prettier and ESLint's fixes",
      docs: 'rewrites the generated parts of the READMEs from the code and the bench results (`-- --check` only checks them)',
    },
  },
  {
    group: 'Adapters',
    scripts: {
      start: 'starts one adapter from its TypeScript sources (`-- <adapter>`; with no name, lists them)',
      build: 'builds every adapter for production, into `dist/adapters/<adapter>.js`',
      serve: 'starts one built adapter in plain Node (`-- <adapter>`); a signal to npm stops it',
      simulate:
        'starts loopback providers for trying adapters by hand (`-- esplora attestation vault chain`) and prints the settings pointing an adapter at each',
      jobs: "fills in a bridge and a job from `jobs/`'s templates (`-- fill <adapter>`) and checks a filled job against the running adapters for the number it reports (`-- check <job.toml>`) ([jobs/](jobs/README.md))",
      'new:adapter':
        'creates an adapter from the template (`-- <name>`), with its jobs and its rows in the READMEs',
      'test:adapter':
        "runs one adapter's tests and the conformance suite on it (`-- <adapter>`): no other test, and no local chain unless it needs one",
      'test:conformance': 'runs the conformance suite on every adapter',
    },
  },
  {
    group: 'Contracts and workflows',
    scripts: {
      'build:contracts': 'compiles the contracts (Hardhat) and generates their TypeChain types',
      'test:workflows': "runs the CRE workflows' tests, under Bun",
      'lint:workflows': "runs the CRE SDK's runtime-compatibility check on each workflow",
      'build:workflow':
        "compiles a workflow to WASM with the SDK's `cre-compile` (`-- <workflow>`; downloads Javy)",
      guard:
        'deploys a ReserveGuard (and a SecureMintToken, a PoRAddressList), wires it to its assets, changes them after its delay, hands out its roles, pauses and unpauses through it, shows its status ([guard/](guard/README.md))',
      upkeeps:
        "registers, manages and rehearses a guard's Automation 2.3 upkeeps ([upkeeps/](upkeeps/README.md))",
      dashboard:
        "serves a guard's dashboard: reserves against supply over time, the guard's verdict, pauses, feed freshness, upkeeps, CRE receivers, the adapters' health, alerts (`-- --network <name> --guard <address>`) ([dashboard/](dashboard/README.md))",
      cre: "rehearses the CRE workflows on a local chain: their own code on a local DON, through Chainlink's KeystoneForwarder into DataFeedsCache and the guard (`-- local`, `-- feed`, `-- allow`, `-- run`) ([cre/](cre/README.md))",
    },
  },
  {
    group: 'Scale and benchmarks',
    scripts: {
      'test:scale': 'runs the replica tests on a real Redis (needs `redis-server`)',
      'test:browser':
        "runs the dashboard's tests in a real browser, with the README's screenshots (needs Debian's `chromium`; `SCREENSHOTS=update` rewrites them)",
      'bench:btc-balance': "times btc-balance's reads of a slow Esplora",
      'bench:multichain-supply': "times multichain-supply's reads of five chains",
      'bench:token-balance':
        "counts token-balance's round trips per chain and times 1,000 wallets against the ideal",
      'bench:proof-of-reserves':
        "counts the composite's round trips per chain and times 1,000 published wallets against the ideal",
      'bench:gas': "measures the guard's gas, into `bench/results/gas.json`",
      'bench:load':
        'loads the adapters, into `bench/results/load.json` (about 10 minutes; needs `redis-server`); `-- profile`: the CPU each cached answer costs, against the anchor’s',
    },
  },
]

/**
 * What is wrong with package.json's `scripts` against {@link NPM_SCRIPT_GROUPS}: a script not
 * described, a description of no script, scripts out of their groups' order.
 */
export function npmScriptProblems(scripts: Record<string, string>): string[] {
  const described = NPM_SCRIPT_GROUPS.flatMap(({ scripts: group }) => Object.keys(group))
  const present = Object.keys(scripts)
  const problems = [
    ...present
      .filter((name) => !described.includes(name))
      .map((name) => `package.json script "${name}" has no description: add one to devkit/npm-scripts.ts`),
    ...described
      .filter((name) => !present.includes(name))
      .map((name) => `devkit/npm-scripts.ts describes "${name}", which package.json does not have`),
  ]
  const order = present.filter((name) => described.includes(name))
  const expected = described.filter((name) => present.includes(name))
  if (problems.length === 0 && order.join() !== expected.join()) {
    problems.push(`package.json lists its scripts out of their groups' order: ${expected.join(', ')}`)
  }
  return problems
}
