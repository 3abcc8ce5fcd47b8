/**
 * The TypeScript mirror of our Solidity types (chain/types.ts) against the compiled contracts: enum
 * members in order, the operation flags and the roles are read from the solc AST of the build
 * (artifacts/build-info/*.output.json), struct fields from the ABI. A member reordered, renamed, added
 * or removed on either side fails here.
 */
import fc from 'fast-check'
import { getAddress, keccak256, toUtf8Bytes } from 'ethers'
import { artifactNames, readArtifact, readBuildOutput, walkAst as walk, type AstNode } from './artifacts'
import {
  ASSET_CONFIG_FIELDS,
  ChangeStatus,
  FeedFailure,
  Hold,
  MarginMode,
  Operation,
  PENDING_CHANGE_FIELDS,
  PauseMode,
  READING_FIELDS,
  RESULT_FIELDS,
  RULES_FIELDS,
  Reason,
  Role,
  StalePolicy,
  SupplyKind,
  TargetBehaviour,
  Verdict,
  assetConfig,
  decodePerformData,
  encodePerformData,
  enumName,
  marginFromBps,
  toAssetConfig,
  toReading,
  toResult,
} from './types'

/** Which mirror stands for which Solidity enum (by its canonical name). */
const ENUM_MIRRORS: Record<string, Record<string, bigint>> = {
  'ReserveCheck.StalePolicy': StalePolicy,
  'ReserveCheck.MarginMode': MarginMode,
  'ReserveCheck.Verdict': Verdict,
  'ReserveCheck.Reason': Reason,
  'IReserveGuard.SupplyKind': SupplyKind,
  'IReserveGuard.PauseMode': PauseMode,
  'IReserveGuard.Hold': Hold,
  'DelayedChange.Status': ChangeStatus,
  'MockReserveFeed.Failure': FeedFailure,
  'MockMisbehavingTarget.Behaviour': TargetBehaviour,
}

/** Which mirror stands for which Solidity struct (by its canonical name). */
const STRUCT_MIRRORS: Record<string, readonly string[]> = {
  'IReserveGuard.AssetConfig': ASSET_CONFIG_FIELDS,
  'ReserveCheck.Result': RESULT_FIELDS,
  'ReserveCheck.Reading': READING_FIELDS,
  'ReserveCheck.Rules': RULES_FIELDS,
  'DelayedChange.Pending': PENDING_CHANGE_FIELDS,
}

/** Sources whose structs are public API (each must be mirrored); contracts' own structs are private. */
const PUBLIC_STRUCT_SOURCES = ['contracts/libraries/', 'contracts/interfaces/']

const OPERATIONS_SOURCE = 'project/contracts/interfaces/IOperationsPausable.sol'
const OPERATION_MIRROR: Record<string, bigint> = {
  OPERATION_MINT: Operation.Mint,
  OPERATION_REDEEM: Operation.Redeem,
  OPERATION_BURN: Operation.Burn,
  ALL_OPERATIONS: Operation.All,
}

const OPENZEPPELIN_ACCESS_CONTROL = /^npm\/@openzeppelin\/contracts@[^/]+\/access\/AccessControl\.sol$/

// ---------------------------------------------------------------- the compiled contracts

const ours = artifactNames('contracts').map(readArtifact)

/**
 * Every source of the builds that compiled our contracts, by input source name, with the declarations
 * of its build by AST id (ids are unique within a build only) to resolve identifiers.
 */
const sources = new Map<string, AstNode>()
const buildOf = new Map<AstNode, Map<number, AstNode>>()
/**
 * Hardhat builds incrementally: an older build can still hold an earlier version of one of our sources
 * (as a dependency of a contract that did not need recompiling). Each of our sources is taken from the
 * build that compiled its own artifact, the current one.
 */
const currentBuildOf = new Map(ours.map((a) => [a.inputSourceName, a.buildInfoId]))
for (const artifact of new Map(ours.map((a) => [a.buildInfoId, a])).values()) {
  const output = readBuildOutput(artifact)
  const asts = Object.values(output.sources).map(({ ast }) => ast)
  const declarations = new Map(asts.flatMap((ast) => [...walk(ast)].map((n) => [n.id as number, n] as const)))
  for (const [name, { ast }] of Object.entries(output.sources)) {
    const current = currentBuildOf.get(name)
    if (current !== undefined && current !== artifact.buildInfoId) continue
    sources.set(name, ast)
    buildOf.set(ast, declarations)
  }
}
const projectSources = [...sources].filter(([name]) => name.startsWith('project/'))

const nodesOf = (asts: Iterable<AstNode>, nodeType: string) =>
  [...asts].flatMap((ast) => [...walk(ast)].filter((n) => n.nodeType === nodeType))

/**
 * The value of a constant expression, as solc would fold it: number literals, `<<`, `|`, `&`, `+`,
 * `-`, `*`, `**`, parentheses, references to other constants, and `keccak256("literal")`. Anything
 * else is an error, so the test cannot pass on a value it did not compute.
 */
function evaluate(node: AstNode, declarations: Map<number, AstNode>): bigint {
  switch (node.nodeType) {
    case 'Literal':
      if (node.kind !== 'number') throw new Error(`not a number literal: ${String(node.value)}`)
      return BigInt(String(node.value).replaceAll('_', ''))
    case 'TupleExpression': {
      const components = node.components as AstNode[]
      if (components.length !== 1) throw new Error('a tuple is not a constant number')
      return evaluate(components[0], declarations)
    }
    case 'Identifier': {
      const declaration = declarations.get(node.referencedDeclaration as number)
      if (!declaration?.constant || !declaration.value)
        throw new Error(`not a constant: ${String(node.name)}`)
      return evaluate(declaration.value as AstNode, declarations)
    }
    case 'BinaryOperation': {
      const left = evaluate(node.leftExpression as AstNode, declarations)
      const right = evaluate(node.rightExpression as AstNode, declarations)
      const operations: Record<string, (a: bigint, b: bigint) => bigint> = {
        '<<': (a, b) => a << b,
        '|': (a, b) => a | b,
        '&': (a, b) => a & b,
        '+': (a, b) => a + b,
        '-': (a, b) => a - b,
        '*': (a, b) => a * b,
        '**': (a, b) => a ** b,
      }
      const operation = operations[node.operator as string]
      if (!operation) throw new Error(`unsupported operator ${String(node.operator)}`)
      return operation(left, right)
    }
    case 'FunctionCall': {
      const callee = node.expression as AstNode
      const [argument] = node.arguments as AstNode[]
      if (callee.name !== 'keccak256' || argument?.nodeType !== 'Literal' || argument.kind !== 'string') {
        throw new Error('the only call folded is keccak256 of a string literal')
      }
      return BigInt(keccak256(toUtf8Bytes(String(argument.value))))
    }
    default:
      throw new Error(`cannot evaluate a ${node.nodeType}`)
  }
}

/** The components of the first ABI parameter, anywhere in our ABIs, whose type is `struct <name>`. */
function abiComponents(struct: string): { name: string }[] | undefined {
  interface Param {
    internalType?: string
    components?: Param[]
    name: string
  }
  const find = (params: Param[] = []): Param[] | undefined => {
    for (const p of params) {
      if (p.internalType === `struct ${struct}` || p.internalType === `struct ${struct}[]`)
        return p.components
      const inner = find(p.components)
      if (inner) return inner
    }
    return undefined
  }
  for (const artifact of ours) {
    for (const item of artifact.abi as { inputs?: Param[]; outputs?: Param[] }[]) {
      const found = find(item.inputs) ?? find(item.outputs)
      if (found) return found
    }
  }
  return undefined
}

// ---------------------------------------------------------------- the mirror

describe('the Solidity mirror (chain/types.ts) against the compiled contracts', () => {
  it('reads our contracts from the build (the test would otherwise check nothing)', () => {
    expect(ours.map((a) => a.contractName)).toEqual(
      expect.arrayContaining(['ReserveGuard', 'SecureMintToken', 'ReserveCheck', 'IReserveGuard']),
    )
    expect(projectSources.map(([name]) => name)).toContain(OPERATIONS_SOURCE)
  })

  const enums = new Map<string, string[]>()
  for (const node of nodesOf(
    projectSources.map(([, ast]) => ast),
    'EnumDefinition',
  )) {
    enums.set(
      node.canonicalName as string,
      (node.members as AstNode[]).map((m) => m.name as string),
    )
  }

  it('mirrors every enum of our contracts, and no other', () => {
    expect([...enums.keys()].sort()).toEqual(Object.keys(ENUM_MIRRORS).sort())
  })

  it.each(Object.keys(ENUM_MIRRORS))('%s: the same members, in the same order', (canonicalName) => {
    const members = enums.get(canonicalName)
    expect(members).toBeDefined()
    expect(Object.entries(ENUM_MIRRORS[canonicalName])).toEqual(members!.map((name, i) => [name, BigInt(i)]))
  })

  it('mirrors the operation flags of IOperationsPausable.sol, each with its value', () => {
    const ast = sources.get(OPERATIONS_SOURCE)!
    // File-level constants: direct children of the source unit.
    const constants = (ast.nodes as AstNode[]).filter(
      (n) => n.nodeType === 'VariableDeclaration' && n.constant === true,
    )
    const values = Object.fromEntries(
      constants.map((c) => [c.name as string, evaluate(c.value as AstNode, buildOf.get(ast)!)]),
    )
    expect(values).toEqual(OPERATION_MIRROR)
  })

  it("mirrors every role of our contracts and OpenZeppelin's DEFAULT_ADMIN_ROLE, each with its value", () => {
    const accessControl = [...sources].find(([name]) => OPENZEPPELIN_ACCESS_CONTROL.test(name))
    expect(accessControl).toBeDefined()
    const found = new Map<string, bigint>()
    for (const ast of [...projectSources.map(([, source]) => source), accessControl![1]]) {
      const roles = nodesOf([ast], 'VariableDeclaration').filter(
        (n) => n.constant === true && (n.name as string).endsWith('_ROLE'),
      )
      for (const role of roles) {
        const name = (role.name as string).replace(/_ROLE$/, '')
        const value = evaluate(role.value as AstNode, buildOf.get(ast)!)
        // The same role declared in two contracts (PAUSER_ROLE) must agree.
        if (found.has(name)) expect([name, value]).toEqual([name, found.get(name)])
        found.set(name, value)
      }
    }
    const mirrored = Object.fromEntries(Object.entries(Role).map(([name, hash]) => [name, BigInt(hash)]))
    expect(Object.fromEntries(found)).toEqual(mirrored)
  })

  it('mirrors every struct of our libraries and interfaces', () => {
    const publicStructs = projectSources
      .filter(([name]) => PUBLIC_STRUCT_SOURCES.some((folder) => name.startsWith(`project/${folder}`)))
      .flatMap(([, ast]) => nodesOf([ast], 'StructDefinition'))
      .map((n) => n.canonicalName as string)
    expect(publicStructs.sort()).toEqual(Object.keys(STRUCT_MIRRORS).sort())
  })

  it.each(Object.keys(STRUCT_MIRRORS))('%s: the ABI tuple has the mirrored fields, in order', (struct) => {
    const components = abiComponents(struct)
    expect(components).toBeDefined()
    expect(components!.map((c) => c.name)).toEqual([...STRUCT_MIRRORS[struct]])
  })
})

describe('the decoders and builders of chain/types.ts', () => {
  it('decodes a ReserveCheck.Result, a Reading and an AssetConfig by field order', () => {
    expect(toResult([Verdict.Short, Reason.StaleSupply, 5n, -1n])).toEqual({
      verdict: Verdict.Short,
      reason: Reason.StaleSupply,
      reserves: 5n,
      supply: -1n,
    })
    expect(toReading([true, 7n, 1_700_000_000n, 18n])).toEqual({
      ok: true,
      answer: 7n,
      updatedAt: 1_700_000_000n,
      decimals: 18n,
    })
    const config = assetConfig({ reserveFeed: '0xfeed', supplySource: '0x5', ...marginFromBps(25) })
    const tuple = ASSET_CONFIG_FIELDS.map((f) =>
      typeof config[f] === 'number' ? BigInt(config[f]) : config[f],
    )
    expect(toAssetConfig(tuple)).toEqual(config)
  })

  it('refuses a tuple of the wrong length rather than shifting fields', () => {
    expect(() => toResult([Verdict.Short, Reason.StaleSupply, 5n])).toThrow('expected 4 fields, got 3')
    expect(() => toResult({ verdict: 0n })).toThrow('expected a tuple')
  })

  it('builds an AssetConfig with the usual defaults, overridable field by field', () => {
    expect(assetConfig({ reserveFeed: '0xfeed', supplySource: '0x5' })).toEqual({
      reserveFeed: '0xfeed',
      supplyKind: SupplyKind.TokenTotalSupply,
      supplySource: '0x5',
      heartbeat: 86_400,
      supplyHeartbeat: 0,
      stalePolicy: StalePolicy.FailClosed,
      marginMode: MarginMode.None,
      marginAmount: 0n,
      pauseMode: PauseMode.Operations,
      operations: Operation.Mint | Operation.Redeem,
      pauseGas: 100_000,
    })
    expect(
      assetConfig({
        reserveFeed: '0xfeed',
        supplySource: '0x5',
        pauseMode: PauseMode.Pausable,
        operations: 0n,
      }),
    ).toMatchObject({ pauseMode: PauseMode.Pausable, operations: 0n, heartbeat: 86_400 })
  })

  it("encodes and decodes ReserveGuard's performData: uint160(target) | index << 160 per entry", () => {
    const target = '0x00000000000000000000000000000000000000aa'
    const entries = [
      { target: '0x1111111111111111111111111111111111111111', index: 0n },
      { target, index: 63n },
    ]
    const encoded = encodePerformData(entries)
    const word = (BigInt(target) | (63n << 160n)).toString(16).padStart(64, '0')
    expect(encoded.endsWith(word)).toBe(true)
    expect(decodePerformData(encoded)).toEqual([entries[0], { target: getAddress(target), index: 63n }])
    expect(decodePerformData('0x')).toEqual([])
    expect(decodePerformData(encodePerformData([]))).toEqual([])
  })

  it("maps a former marginBps to ACE's PositivePercentage, at least as strict and less than a basis point more", () => {
    expect(marginFromBps(0)).toEqual({ marginMode: MarginMode.None, marginAmount: 0n })
    // ⌈m × 10⁴ / (10⁴ + m)⌉: 1% over the supply is 0.990099…% off the reserves, rounded up to 1%.
    expect(marginFromBps(100)).toEqual({ marginMode: MarginMode.PositivePercentage, marginAmount: 100n })
    expect(marginFromBps(2_500).marginAmount).toBe(2_000n) // exact: 1.25 × supply is 80% of the reserves
    expect(marginFromBps(10_000).marginAmount).toBe(5_000n) // exact: twice the supply
    expect(marginFromBps(65_535).marginAmount).toBe(8_677n) // the old uint16's largest
    expect(() => marginFromBps(-1)).toThrow('not negative')
    // Backed under the new mode ⇒ backed under the old margin; and the new limit is within a basis point of the
    // reserves of the old one.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65_535 }),
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        (m, reserves, supply) => {
          const p = marginFromBps(m).marginAmount
          const oldBacked = reserves * 10_000n >= supply * (10_000n + BigInt(m))
          const newBacked = supply * 10_000n <= reserves * (10_000n - p)
          if (newBacked && !oldBacked) return false
          const withOneBpMore = supply * 10_000n <= reserves * (10_000n - p + 1n)
          return !oldBacked || withOneBpMore
        },
      ),
    )
  })

  it('names enum values, and refuses a value the mirror does not know', () => {
    expect(enumName(Reason, 11n)).toBe('InsufficientReserves')
    expect(enumName(Verdict, 2n)).toBe('Skipped')
    expect(() => enumName(Verdict, 3n)).toThrow('no member with value 3')
  })
})
