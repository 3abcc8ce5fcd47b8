/**
 * Test helper: several DON nodes' observations through the SDK's test runtime, which runs one node.
 *
 * The workflow's own node-mode code runs once per simulated node (each call gets its own HTTP
 * answer), and its observations reach the consensus capability exactly as the SDK serializes them.
 * The consensus capability itself is the one part emulated: {@link donMedian} applies the rule of
 * the DON's MEDIAN aggregation (smartcontractkit/chainlink-common, consensus oracle
 * `handleMedianAggregation`): errors count as missing observations; at least f+1 values of one
 * type are needed; they are compared as exact numbers (big.Int for BigInt values) and the middle
 * one is returned, the lower middle one for an even count. Aggregated by fields (a map observation,
 * `ConsensusAggregationByFields`), each field gets that rule on its own: the field-wise median.
 */
import { create } from '@bufbuild/protobuf'
import { SDK_PB, VALUES_PB } from '@chainlink/cre-sdk/pb'
import { ConsensusMock, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test'

type Observation = SDK_PB.SimpleConsensusInputs['observation']
type Value = VALUES_PB.Value

function bigintOf(value: Value): bigint {
  if (value.value.case !== 'bigintValue') throw new Error(`not a BigInt value: ${value.value.case}`)
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

/**
 * The DON's MEDIAN over BigInt observations, for a DON of `observations.length` nodes: of the values
 * themselves, or field by field when the observations are maps (aggregation by fields).
 */
export function donMedian(observations: readonly Observation[]): Value {
  const f = Math.floor((observations.length - 1) / 3)
  const values = observations.flatMap((observation) =>
    observation.case === 'value' ? [observation.value] : [],
  )
  if (values.length < f + 1) throw new Error(`insufficient observations (${values.length}) for f=${f}`)
  if (values[0].value.case !== 'mapValue') return medianOf(values)
  const fields: Record<string, Value> = {}
  for (const key of Object.keys(values[0].value.value.fields).sort()) {
    fields[key] = medianOf(
      values.map((value) => {
        const field = value.value.case === 'mapValue' ? value.value.value.fields[key] : undefined
        if (!field) throw new Error(`an observation has no field ${key}`)
        return field
      }),
    )
  }
  return create(VALUES_PB.ValueSchema, {
    value: { case: 'mapValue', value: create(VALUES_PB.MapSchema, { fields }) },
  })
}

/** What the consensus capability saw, and a switch from collecting peers' observations to agreeing. */
export interface EmulatedDon {
  /** Every Simple consensus request, in order: the descriptor and this node's observation. */
  readonly requests: SDK_PB.SimpleConsensusInputs[]
  /**
   * While false, a Simple request answers with the node's own observation (a peer node being
   * simulated); once true, with {@link donMedian} over every observation so far.
   */
  agree: boolean
}

/**
 * Registers the consensus capability for the current test (call before `newTestRuntime`): Simple as
 * described in {@link EmulatedDon}, Report as the SDK's default test consensus builds it (a
 * {@link REPORT_METADATA_HEADER_LENGTH}-byte metadata header, then the payload).
 */
export function emulateDon(): EmulatedDon {
  const don: EmulatedDon = { requests: [], agree: false }
  const consensus = ConsensusMock.testInstance()
  consensus.simple = (input) => {
    don.requests.push(input)
    if (don.agree) return donMedian(don.requests.map((request) => request.observation))
    if (input.observation.case !== 'value') throw new Error(input.observation.value ?? 'no observation')
    return input.observation.value
  }
  consensus.report = (input) => {
    const rawReport = new Uint8Array(REPORT_METADATA_HEADER_LENGTH + input.encodedPayload.length)
    rawReport.set(input.encodedPayload, REPORT_METADATA_HEADER_LENGTH)
    return create(SDK_PB.ReportResponseSchema, { rawReport })
  }
  return don
}

/** A Value as the SDK serializes it (for assertions on the wire form): its case, and each field's for a map. */
export function valueCase(observation: Observation): string | Record<string, string | undefined> | undefined {
  if (observation.case !== 'value') return observation.case
  const { value } = observation.value
  if (value.case !== 'mapValue') return value.case
  return Object.fromEntries(Object.entries(value.value.fields).map(([key, field]) => [key, field.value.case]))
}
