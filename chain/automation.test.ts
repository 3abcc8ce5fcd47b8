import { AbiCoder, ZeroAddress, ZeroHash, getAddress, id } from 'ethers'
import {
  AUTOMATION_ARTIFACTS,
  AUTOMATION_STRUCTS,
  AutoApproveType,
  PayoutMode,
  Trigger,
  UpkeepFailureReason,
  compiledEnumMembers,
  compiledStructType,
  decodeLogTriggerConfig,
  decodeRegistrationParams,
  encodeLogTriggerConfig,
  encodeRegistrationParams,
  enumName,
  forwarderInterface,
  registrar21Interface,
  registrarInterface,
  registrationParamsType,
  registryInterface,
  type CompiledTypeRef,
} from './automation'

const REGISTRY_BASE: Omit<CompiledTypeRef, 'name'> = {
  artifact: AUTOMATION_ARTIFACTS.registry,
  path: 'src/v0.8/automation/v2_3/AutomationRegistryBase2_3.sol',
  scope: 'AutomationRegistryBase2_3',
}
const REGISTRAR: Omit<CompiledTypeRef, 'name'> = {
  artifact: AUTOMATION_ARTIFACTS.registrar,
  path: 'src/v0.8/automation/v2_3/AutomationRegistrar2_3.sol',
  scope: 'AutomationRegistrar2_3',
}

describe('enum mirrors match the compiled Automation 2.3 contracts', () => {
  it.each([
    ['Trigger', Trigger, REGISTRY_BASE],
    ['UpkeepFailureReason', UpkeepFailureReason, REGISTRY_BASE],
    ['PayoutMode', PayoutMode, REGISTRY_BASE],
    ['AutoApproveType', AutoApproveType, REGISTRAR],
  ] as const)('%s: same names, same order, values 0..n-1', (name, mirror, where) => {
    const compiled = compiledEnumMembers({ ...where, name })
    expect(Object.keys(mirror)).toEqual(compiled)
    expect(Object.values(mirror)).toEqual(compiled.map((_, i) => BigInt(i)))
  })

  it('enumName reads a value back, and says nothing for one out of range', () => {
    expect(enumName(UpkeepFailureReason, 5n)).toBe('PERFORM_DATA_EXCEEDS_LIMIT')
    expect(enumName(Trigger, 1)).toBe('LOG')
    expect(enumName(Trigger, 2n)).toBeUndefined()
  })

  it('an unknown enum is an error, not an empty list', () => {
    expect(() => compiledEnumMembers({ ...REGISTRY_BASE, name: 'NoSuchEnum' })).toThrow(/no EnumDefinition/)
  })
})

describe('struct layouts come from the compiled contracts', () => {
  it('the OCR report, the triggers and the log trigger config, member by member', () => {
    expect(compiledStructType(AUTOMATION_STRUCTS.report).format('full')).toBe(
      '(uint256 fastGasWei, uint256 linkUSD, uint256[] upkeepIds, uint256[] gasLimits, bytes[] triggers, bytes[] performDatas)',
    )
    expect(compiledStructType(AUTOMATION_STRUCTS.conditionalTrigger).format('full')).toBe(
      '(uint32 blockNum, bytes32 blockHash)',
    )
    expect(compiledStructType(AUTOMATION_STRUCTS.logTrigger).format('full')).toBe(
      '(bytes32 logBlockHash, bytes32 txHash, uint32 logIndex, uint32 blockNum, bytes32 blockHash)',
    )
    expect(compiledStructType(AUTOMATION_STRUCTS.logTriggerConfig).format('full')).toBe(
      '(address contractAddress, uint8 filterSelector, bytes32 topic0, bytes32 topic1, bytes32 topic2, bytes32 topic3)',
    )
    expect(compiledStructType(AUTOMATION_STRUCTS.log).format('full')).toBe(
      '(uint256 index, uint256 timestamp, bytes32 txHash, uint256 blockNumber, bytes32 blockHash, address source, bytes32[] topics, bytes data)',
    )
  })

  it('contract-typed and enum-typed members map to address and uint8 (the registry config)', () => {
    const billing = compiledStructType({ ...REGISTRY_BASE, name: 'BillingConfig' }).format('full')
    expect(billing).toBe(
      '(uint32 gasFeePPB, uint24 flatFeeMilliCents, address priceFeed, uint8 decimals, uint256 fallbackPrice, uint96 minSpend)',
    )
    // The same struct as the compiled ABI has it (setConfigTypeSafe takes it).
    const fromAbi = registryInterface().getFunction('setConfigTypeSafe')!.inputs[7].arrayChildren!
    expect(fromAbi.format('full')).toBe(billing)
  })

  it('RegistrationParams is the 2.3 registrar ABI order, which is not 2.1 order', () => {
    expect(registrationParamsType().components!.map((c) => c.name)).toEqual([
      'upkeepContract',
      'amount',
      'adminAddress',
      'gasLimit',
      'triggerType',
      'billingToken',
      'name',
      'encryptedEmail',
      'checkData',
      'triggerConfig',
      'offchainConfig',
    ])
    // 2.1's registrar takes the same fields in another order: encoding one with the other's layout is garbage.
    const v21 = registrar21Interface()
      .getFunction('registerUpkeep')!
      .inputs[0].components!.map((c) => c.name)
    expect(v21).toEqual([
      'name',
      'encryptedEmail',
      'upkeepContract',
      'gasLimit',
      'adminAddress',
      'triggerType',
      'checkData',
      'triggerConfig',
      'offchainConfig',
      'amount',
    ])
  })

  it('encodings round-trip', () => {
    const config = {
      contractAddress: getAddress('0x00000000000000000000000000000000000000aa'),
      filterSelector: 0,
      topic0: id('AnswerUpdated(int256,uint256,uint256)'),
      topic1: ZeroHash,
      topic2: ZeroHash,
      topic3: ZeroHash,
    }
    const decoded = decodeLogTriggerConfig(encodeLogTriggerConfig(config))
    expect(decoded).toEqual(config)

    const params = {
      upkeepContract: getAddress('0x00000000000000000000000000000000000000bb'),
      amount: 5n * 10n ** 18n,
      adminAddress: getAddress('0x00000000000000000000000000000000000000cc'),
      gasLimit: 500_000n,
      triggerType: Trigger.LOG,
      billingToken: ZeroAddress,
      name: 'guard',
      encryptedEmail: '0x',
      checkData: '0x1234',
      triggerConfig: encodeLogTriggerConfig(config),
      offchainConfig: '0x',
    }
    const encoded = encodeRegistrationParams(params)
    expect(decodeRegistrationParams(encoded)).toEqual(params)
    // abi.encode of a struct with dynamic members: one offset word, then the fields in order.
    const [offset, upkeepContract, amount] = AbiCoder.defaultAbiCoder().decode(
      ['uint256', 'address', 'uint96'],
      encoded,
    )
    expect([offset, upkeepContract, amount]).toEqual([32n, params.upkeepContract, params.amount])
  })
})

describe('interfaces', () => {
  it('the registry interface answers the main contract and all three logic contracts', () => {
    const registry = registryInterface()
    for (const fn of [
      'transmit',
      'setConfigTypeSafe',
      'registerUpkeep',
      'addFunds',
      'getForwarder',
      'getMinBalance',
    ]) {
      expect(registry.getFunction(fn)).not.toBeNull()
    }
    expect(registry.getFunction('checkUpkeep(uint256,bytes)')).not.toBeNull()
    expect(registry.getEvent('UpkeepPerformed')).not.toBeNull()
    expect(registry.getError('OnlySimulatedBackend')).not.toBeNull()
  })

  it('the forwarder interface has its target and its registry', () => {
    expect(forwarderInterface().getFunction('getTarget')).not.toBeNull()
    expect(forwarderInterface().getFunction('getRegistry')).not.toBeNull()
    expect(registrarInterface().getFunction('typeAndVersion')).not.toBeNull()
  })
})
