/**
 * The TypeScript mirror of Chainlink ACE's types (chain/ace.ts) against ACE's compiled sources: enum members in
 * order and struct fields in order, read from the solc AST of the build that compiled ACE
 * (artifacts/build-info/*.output.json), and the configuration encoders against the structs they encode.
 */
import { AbiCoder, ZeroAddress } from 'ethers'
import { artifactNames, readArtifact, readBuildOutput, walkAst, type AstNode } from './artifacts'
import {
  PolicyResult,
  RESERVE_MARGIN_CONFIGS_FIELDS,
  ReserveMarginMode,
  TOKEN_METADATA_FIELDS,
  encodePausePolicyConfig,
  encodeSecureMintPolicyConfig,
} from './ace'

const ACE_SOURCE = /^npm\/@chainlink\/ace@1\.0\.0\//

/** Which mirror stands for which ACE enum (by its canonical name). */
const ENUM_MIRRORS: Record<string, Record<string, bigint>> = {
  'SecureMintPolicy.ReserveMarginMode': ReserveMarginMode,
  'IPolicyEngine.PolicyResult': PolicyResult,
}

/** Which mirror stands for which ACE struct (by its canonical name). */
const STRUCT_MIRRORS: Record<string, readonly string[]> = {
  'SecureMintPolicy.ReserveMarginConfigs': RESERVE_MARGIN_CONFIGS_FIELDS,
  'SecureMintPolicy.TokenMetadata': TOKEN_METADATA_FIELDS,
}

/** Every enum and struct declared in ACE's sources, by canonical name, with its members' names in order. */
const declared = new Map<string, string[]>()
const aceArtifacts = artifactNames('@chainlink/ace').map(readArtifact)
for (const artifact of new Map(aceArtifacts.map((a) => [a.buildInfoId, a])).values()) {
  for (const [name, { ast }] of Object.entries(readBuildOutput(artifact).sources)) {
    if (!ACE_SOURCE.test(name)) continue
    for (const node of walkAst(ast)) {
      if (node.nodeType === 'EnumDefinition' || node.nodeType === 'StructDefinition') {
        declared.set(
          node.canonicalName as string,
          (node.members as AstNode[]).map((m) => m.name as string),
        )
      }
    }
  }
}

describe("the mirror of Chainlink ACE's types (chain/ace.ts) against ACE 1.0.0's compiled sources", () => {
  it('reads ACE from the build (the test would otherwise check nothing)', () => {
    expect(aceArtifacts.map((a) => a.contractName)).toEqual(
      expect.arrayContaining(['PolicyEngine', 'SecureMintPolicy', 'PausePolicy', 'ComplianceTokenERC20']),
    )
    expect(declared.size).toBeGreaterThan(0)
  })

  it.each(Object.keys(ENUM_MIRRORS))('%s: the same members, in the same order', (canonicalName) => {
    const members = declared.get(canonicalName)
    expect(members).toBeDefined()
    expect(Object.entries(ENUM_MIRRORS[canonicalName])).toEqual(members!.map((name, i) => [name, BigInt(i)]))
  })

  it.each(Object.keys(STRUCT_MIRRORS))('%s: the same fields, in the same order', (canonicalName) => {
    expect(declared.get(canonicalName)).toEqual([...STRUCT_MIRRORS[canonicalName]])
  })
})

describe("the encoders of ACE's policy configurations", () => {
  const coder = AbiCoder.defaultAbiCoder()

  it("encodes a SecureMintPolicy's configuration as its configure() decodes it", () => {
    const feed = '0x00000000000000000000000000000000000000fe'
    const token = '0x0000000000000000000000000000000000000070'
    const encoded = encodeSecureMintPolicyConfig({
      reservesFeed: feed,
      marginMode: ReserveMarginMode.NegativeAbsolute,
      marginAmount: 5n,
      maxStalenessSeconds: 3_600n,
      token,
      tokenDecimals: 8,
    })
    // configure(): abi.decode(parameters, (address, ReserveMarginConfigs, uint256, TokenMetadata))
    const decoded = coder.decode(
      [
        'address reservesFeed',
        `tuple(uint8 ${RESERVE_MARGIN_CONFIGS_FIELDS[0]}, uint256 ${RESERVE_MARGIN_CONFIGS_FIELDS[1]}) margin`,
        'uint256 maxStalenessSeconds',
        `tuple(address ${TOKEN_METADATA_FIELDS[0]}, uint8 ${TOKEN_METADATA_FIELDS[1]}) token`,
      ],
      encoded,
    )
    expect(decoded.toObject(true)).toEqual({
      reservesFeed: feed,
      margin: { reserveMarginMode: ReserveMarginMode.NegativeAbsolute, reserveMarginAmount: 5n },
      maxStalenessSeconds: 3_600n,
      token: { tokenAddress: token, tokenDecimals: 8n },
    })
    // Static types only: four words of head, the two structs inline (six words in all).
    expect((encoded.length - 2) / 64).toBe(6)
  })

  it("encodes a PausePolicy's initial state", () => {
    expect(coder.decode(['bool'], encodePausePolicyConfig(true))).toEqual([true])
    expect(coder.decode(['bool'], encodePausePolicyConfig(false))).toEqual([false])
    expect(encodePausePolicyConfig(false)).toBe(coder.encode(['address'], [ZeroAddress]))
  })
})
