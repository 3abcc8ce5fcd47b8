/**
 * Test helper: several DON nodes' observations through the SDK's test runtime, which runs one node.
 *
 * The workflow's own node-mode code runs once per simulated node (each call gets its own HTTP
 * answer), and its observations reach the consensus capability exactly as the SDK serialized them.
 * The consensus capability itself is the one part emulated, with the DON's rules
 * (smartcontractkit/chainlink-common's consensus oracle), as the rehearsal applies them: {@link donConsensus}
 * (cre/consensus.ts): errors count as missing observations, at least f+1 values are needed, a MEDIAN
 * compares BigInt values exactly and returns the middle one (the lower middle one for an even count), and
 * by fields (`ConsensusAggregationByFields`) each field gets its own rule.
 */
import { create } from '@bufbuild/protobuf'
import { SDK_PB } from '@chainlink/cre-sdk/pb'
import { ConsensusMock, REPORT_METADATA_HEADER_LENGTH } from '@chainlink/cre-sdk/test'
import { donConsensus } from '../../cre/consensus'

type Observation = SDK_PB.SimpleConsensusInputs['observation']

/** What the consensus capability saw, and a switch from collecting peers' observations to agreeing. */
export interface EmulatedDon {
  /** Every Simple consensus request, in order: the descriptor and this node's observation. */
  readonly requests: SDK_PB.SimpleConsensusInputs[]
  /**
   * While false, a Simple request answers with the node's own observation (a peer node being
   * simulated); once true, with {@link donConsensus} over every request so far.
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
    if (don.agree) return donConsensus(don.requests)
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
