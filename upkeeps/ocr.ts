/**
 * What an Automation DON sends to the registry: a report (`AutomationRegistryBase2_3.Report`), signed by f+1 of
 * its signers over the report context, in a `transmit` call from one of its transmitters. The registry checks
 * the config digest (`latestConfigDetails`), the number of signatures (exactly f+1), that each comes from a
 * distinct active signer (`ecrecover` of keccak256(abi.encode(keccak256(report), reportContext))), and that the
 * sender is an active transmitter.
 */
import {
  AbiCoder,
  Contract,
  SigningKey,
  Wallet,
  concat,
  keccak256,
  toBeHex,
  zeroPadValue,
  type Provider,
} from 'ethers'
import { encodeReport, registryInterface, type Report } from '#chain/automation'
import type { DonKeys } from '#devkit/automation'

const coder = AbiCoder.defaultAbiCoder()

/** `reportContext[1]`: epoch and round as the registry reads them (`uint40`, epoch in the upper 32 bits). */
export function epochAndRound(epoch: number, round: number): string {
  return zeroPadValue(toBeHex((BigInt(epoch) << 8n) | BigInt(round & 0xff)), 32)
}

/** The calldata of `transmit` for a report, signed by the first f+1 signers of the DON. */
export async function signedTransmit(
  provider: Provider,
  registryAddress: string,
  don: DonKeys,
  report: Report,
  epoch: number,
): Promise<string> {
  const registry = new Contract(registryAddress, registryInterface(), provider)
  const [, , configDigest] = (await registry.latestConfigDetails()) as [bigint, bigint, string]
  const rawReport = encodeReport(report)
  const reportContext = [
    configDigest,
    epochAndRound(epoch, 1),
    keccak256(concat([configDigest, toBeHex(epoch, 32)])),
  ]
  const digest = keccak256(coder.encode(['bytes32', 'bytes32[3]'], [keccak256(rawReport), reportContext]))
  const rs: string[] = []
  const ss: string[] = []
  const vs: number[] = []
  for (const key of don.signers.slice(0, don.f + 1)) {
    const signature = new SigningKey(key).sign(digest)
    rs.push(signature.r)
    ss.push(signature.s)
    vs.push(signature.v - 27)
  }
  // rawVs: byte i is signature i's v (0 or 1), from the most significant byte.
  const rawVs =
    '0x' +
    vs
      .map((v) => v.toString(16).padStart(2, '0'))
      .join('')
      .padEnd(64, '0')
  return registry.interface.encodeFunctionData('transmit', [reportContext, rawReport, rs, ss, rawVs])
}

/** The DON's addresses: which signers and transmitters a registry must have active for these keys. */
export function donAddresses(don: DonKeys): { signers: string[]; transmitters: string[] } {
  return {
    signers: don.signers.map((key) => new Wallet(key).address),
    transmitters: don.transmitters.map((key) => new Wallet(key).address),
  }
}
