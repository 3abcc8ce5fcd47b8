import { describe, expect, it } from '@jest/globals'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { startFailure } from '../server'

const adapter = { name: 'GOLD_VAULT' } as Adapter
const identity = { name: 'gold-vault', version: '1.2.3' }

describe('why an adapter did not start, on one line', () => {
  it("joins the framework's list of invalid settings", () => {
    const error = new Error(
      'Validation failed for the following variables:\nGOLD_VAULT_API_URL: Value is required, but none was provided\nGOLD_VAULT_RETRIES: Value must be an integer',
    )
    expect(startFailure(adapter, identity, error)).toBe(
      'gold-vault 1.2.3 cannot start: GOLD_VAULT_API_URL: Value is required, but none was provided; GOLD_VAULT_RETRIES: Value must be an integer (settings: adapters/gold-vault/README.md)',
    )
  })

  it("does not repeat the adapter's settings name", () => {
    expect(startFailure(adapter, identity, new Error('GOLD_VAULT: no provider is configured: set X'))).toBe(
      'gold-vault 1.2.3 cannot start: no provider is configured: set X (settings: adapters/gold-vault/README.md)',
    )
  })
})
