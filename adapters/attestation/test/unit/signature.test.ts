import { describe, expect, it } from '@jest/globals'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { Wallet, toUtf8Bytes } from 'ethers'
import { checkSignature } from '../../src/provider/signature'
import { AUDITOR, IMPOSTOR } from '../fixture-data'

const body = toUtf8Bytes('{"totalReserve":"1000.00","timestamp":"2026-05-01T11:30:00Z","ripcord":false}')
const HEADER = 'x-attestation-signature'

function failure(fn: () => unknown): AdapterError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(502)
    return error as AdapterError
  }
  throw new Error('expected a 502')
}

describe('checkSignature', () => {
  it('accepts a personal_sign signature over the exact bytes by the signer, with or without 0x', async () => {
    const signature = await AUDITOR.signMessage(body)
    expect(checkSignature(body, signature, AUDITOR.address, HEADER, 'c')).toBe(AUDITOR.address)
    expect(checkSignature(body, signature.slice(2), AUDITOR.address.toLowerCase(), HEADER, 'c')).toBe(
      AUDITOR.address,
    )
  })

  it('rejects a signature by another key', async () => {
    const signature = await IMPOSTOR.signMessage(body)
    const error = failure(() => checkSignature(body, signature, AUDITOR.address, HEADER, 'c'))
    expect(error.message).toContain(`by ${AUDITOR.address} (it recovers to ${IMPOSTOR.address})`)
  })

  it('rejects a body altered after signing, even by one byte', async () => {
    const signature = await AUDITOR.signMessage(body)
    const altered = body.slice()
    altered[altered.length - 2] ^= 0x01
    failure(() => checkSignature(altered, signature, AUDITOR.address, HEADER, 'c'))
    // Re-serialized JSON (other whitespace) is another body too.
    const reserialized = toUtf8Bytes(JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 1))
    failure(() => checkSignature(reserialized, signature, AUDITOR.address, HEADER, 'c'))
  })

  it('accepts a signature made over the body text: it is the same message as its UTF-8 bytes', async () => {
    // signMessage(string) signs the UTF-8 bytes of the string: an auditor may use either form.
    const text = new TextDecoder().decode(body)
    const signature = await AUDITOR.signMessage(text)
    expect(checkSignature(body, signature, AUDITOR.address, HEADER, 'c')).toBe(AUDITOR.address)
  })

  it('rejects a missing, empty or malformed header', () => {
    expect(failure(() => checkSignature(body, null, AUDITOR.address, HEADER, 'c')).message).toBe(
      'c: the response has no x-attestation-signature header, and ATTESTATION_SIGNER_ADDRESS requires one',
    )
    failure(() => checkSignature(body, '  ', AUDITOR.address, HEADER, 'c'))
    expect(failure(() => checkSignature(body, '0x1234', AUDITOR.address, HEADER, 'c')).message).toContain(
      'the x-attestation-signature header is not a valid signature',
    )
  })

  it('rejects an EIP-712 or raw-hash signature: only personal_sign over the body counts', () => {
    const wallet = new Wallet(AUDITOR.privateKey)
    const rawHash = wallet.signingKey.sign(new Uint8Array(32).fill(7)).serialized
    failure(() => checkSignature(body, rawHash, AUDITOR.address, HEADER, 'c'))
  })
})
