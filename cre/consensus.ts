/**
 * The DON's consensus on node-mode observations (the consensus capability's `Simple` method), by the rules of
 * smartcontractkit/chainlink-common's consensus oracle: an observation that is an error counts as missing; a DON
 * of `n` nodes tolerates `f = ⌊(n − 1) / 3⌋` faults and needs at least `f + 1` observations.
 *
 * - MEDIAN (`handleMedianAggregation`): the values, compared as exact numbers (big.Int for BigInt values), and
 *   the middle one, the lower middle one for an even count;
 * - IDENTICAL (`handleIdenticalAggregation`): the one value that `f + 1` observations share, byte for byte;
 * - by fields (`ConsensusAggregationByFields`, a map observation): each field by its own rule.
 *
 * Used by the rehearsal's consensus capability (cre/capabilities.ts) and by the workflows' tests, which run each
 * simulated node's observation through it (workflows/testing/don.ts). Only protobuf: it runs under Bun and Node.
 */
import { create, equals } from '@bufbuild/protobuf'
import { SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb'

type Value = VALUES_PB.Value
type Descriptor = SDK_PB.ConsensusDescriptor | undefined

/** The fault tolerance of a DON of `nodes` nodes. */
export const faultTolerance = (nodes: number): number => Math.floor((nodes - 1) / 3)

function bigintOf(value: Value): bigint {
  if (value.value.case !== 'bigintValue') {
    throw new Error(
      `MEDIAN of a ${value.value.case ?? 'missing'} value: the rehearsal compares BigInt values only`,
    )
  }
  const { absVal, sign } = value.value.value
  let magnitude = 0n
  for (const byte of absVal) magnitude = (magnitude << 8n) | BigInt(byte)
  return sign < 0n ? -magnitude : magnitude
}

/** The median of BigInt values: the middle one, the lower middle one for an even count. */
function medianOf(values: readonly Value[]): Value {
  const sorted = [...values].sort((a, b) => {
    const [x, y] = [bigintOf(a), bigintOf(b)]
    return x < y ? -1 : x > y ? 1 : 0
  })
  return sorted[sorted.length % 2 === 0 ? sorted.length / 2 - 1 : (sorted.length - 1) / 2]
}

/** The value `f + 1` observations share (compared as protobuf messages); there must be exactly one. */
function identicalOf(values: readonly Value[], f: number): Value {
  const groups: { value: Value; count: number }[] = []
  for (const value of values) {
    const group = groups.find((g) => equals(VALUES_PB.ValueSchema, g.value, value))
    if (group) group.count++
    else groups.push({ value, count: 1 })
  }
  const agreed = groups.filter(({ count }) => count >= f + 1)
  if (agreed.length !== 1) {
    throw new Error(`IDENTICAL: ${agreed.length} values have f + 1 = ${f + 1} observations; exactly one must`)
  }
  return agreed[0].value
}

function aggregate(values: readonly Value[], descriptor: Descriptor, f: number): Value {
  if (!descriptor || descriptor.descriptor.case === undefined) {
    throw new Error('an observation without a consensus descriptor')
  }
  if (descriptor.descriptor.case === 'aggregation') {
    const type = descriptor.descriptor.value
    if (type === SDK_PB.AggregationType.MEDIAN) return medianOf(values)
    if (type === SDK_PB.AggregationType.IDENTICAL) return identicalOf(values, f)
    throw new Error(
      `${SDK_PB.AggregationType[type]} aggregation: the rehearsal applies MEDIAN and IDENTICAL only`,
    )
  }
  const fields: Record<string, Value> = {}
  const rules = descriptor.descriptor.value.fields
  for (const key of Object.keys(rules).sort()) {
    fields[key] = aggregate(
      values.map((value) => {
        const field = value.value.case === 'mapValue' ? value.value.value.fields[key] : undefined
        if (!field) throw new Error(`an observation has no field ${key}`)
        return field
      }),
      rules[key],
      f,
    )
  }
  return create(VALUES_PB.ValueSchema, {
    value: { case: 'mapValue', value: create(VALUES_PB.MapSchema, { fields }) },
  })
}

/**
 * What the DON agrees on, from every node's `Simple` consensus input for one call (one input per node of the
 * DON, in any order; a node that failed before reaching the call counts as an error). Throws when the
 * observations do not allow an answer: fewer than `f + 1` of them, or values the rule cannot agree on.
 */
export function donConsensus(inputs: readonly SDK_PB.SimpleConsensusInputs[], nodes = inputs.length): Value {
  const f = faultTolerance(nodes)
  const values = inputs.flatMap(({ observation }) =>
    observation.case === 'value' ? [observation.value] : [],
  )
  if (values.length < f + 1) {
    const errors = inputs.flatMap(({ observation }) =>
      observation.case === 'error' ? [observation.value] : [],
    )
    throw new Error(
      `insufficient observations (${values.length} of ${nodes}, f = ${f})` +
        (errors.length > 0 ? `: ${[...new Set(errors)].join('; ')}` : ''),
    )
  }
  const [first, ...others] = inputs.map(
    (input) => input.descriptors ?? create(SDK_PB.ConsensusDescriptorSchema),
  )
  if (others.some((descriptor) => !equals(SDK_PB.ConsensusDescriptorSchema, descriptor, first))) {
    throw new Error('the nodes sent different consensus descriptors for one call')
  }
  return aggregate(values, first, f)
}
