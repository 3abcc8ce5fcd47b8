/**
 * The typed handles (chain/contracts.ts) and event decoders (chain/events.ts) on a local chain: every
 * handle names a built artifact, ours and Chainlink's deploy and attach through them, and events decode
 * by name.
 */
import { ZeroAddress, type JsonRpcProvider, type NonceManager } from 'ethers'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { artifactNames, readArtifact } from './artifacts'
import {
  ARTIFACT,
  deployAutomationForwarderLogic,
  deployAutomationRegistry2_3,
  deployAutomationRegistryLogicA2_3,
  deployAutomationRegistryLogicB2_3,
  deployAutomationRegistryLogicC2_3,
  deployEACAggregatorProxy,
  deployKeystoneForwarder,
  deployLinkToken,
  deployMockV3Aggregator,
  deployReserveGuard,
  deployWETH9,
  eacAggregatorProxyAt,
  reserveGuardAt,
} from './contracts'
import { eventsNamed, eventsOf, mined } from './events'
import { Role } from './types'

let provider: JsonRpcProvider
let signer: NonceManager
let signerAddress: string

beforeAll(async () => {
  provider = localProvider()
  signer = await fundedSigner(provider)
  signerAddress = await signer.getAddress()
})

afterAll(() => provider.destroy())

describe('the contract handles', () => {
  it.each(Object.entries(ARTIFACT))('%s names its built artifact', (name, artifact) => {
    expect(readArtifact(artifact).contractName).toBe(name)
  })

  it('hands out every Chainlink contract the build compiles', () => {
    expect(artifactNames('@chainlink')).toEqual(
      expect.arrayContaining(Object.values(ARTIFACT).filter((a) => a.startsWith('@chainlink'))),
    )
    expect(Object.values(ARTIFACT)).toEqual(expect.arrayContaining(artifactNames('@chainlink')))
  })

  it('deploys a ReserveGuard, attaches to it by address, and decodes its events by name', async () => {
    const guard = await deployReserveGuard(signer, signerAddress, 0)
    const address = await guard.getAddress()
    const attached = reserveGuardAt(address, signer)
    expect(await attached.hasRole(Role.DEFAULT_ADMIN, signerAddress)).toBe(true)

    const forwarder = '0x0000000000000000000000000000000000000001'
    const receipt = await mined(attached.grantRole(Role.FORWARDER, forwarder))
    const [granted, ...more] = eventsNamed(receipt, attached, 'RoleGranted')
    expect(more).toEqual([])
    expect([granted.role, granted.account, granted.sender]).toEqual([
      Role.FORWARDER,
      forwarder,
      signerAddress,
    ])
    expect([...granted]).toEqual([granted.role, granted.account, granted.sender])
    expect(eventsNamed(receipt, attached, 'AssetAdded')).toEqual([])
    expect(eventsOf(receipt, attached).map((e) => [e.name, e.signature])).toEqual([
      ['RoleGranted', 'RoleGranted(bytes32,address,address)'],
    ])
    // A name the ABI does not have is an error, not an empty list.
    expect(() => eventsNamed(receipt, attached, 'Nope' as 'RoleGranted')).toThrow('no event Nope')
    // Logs of other contracts are left out.
    expect(eventsOf(receipt, reserveGuardAt(ZeroAddress, signer))).toEqual([])
  })

  it('deploys the Automation 2.3 registry from its three logic contracts', async () => {
    const link = await deployLinkToken(signer)
    const linkUsd = await deployMockV3Aggregator(signer, 8, 2_000_000_000n)
    const nativeUsd = await deployMockV3Aggregator(signer, 8, 300_000_000_000n)
    const fastGas = await deployMockV3Aggregator(signer, 0, 1_000_000_000n)
    const forwarderLogic = await deployAutomationForwarderLogic(signer)
    const weth = await deployWETH9(signer)
    const logicC = await deployAutomationRegistryLogicC2_3(
      signer,
      link,
      linkUsd,
      nativeUsd,
      fastGas,
      forwarderLogic,
      ZeroAddress,
      0n, // PayoutMode.ON_CHAIN
      weth,
    )
    const logicB = await deployAutomationRegistryLogicB2_3(signer, logicC)
    const logicA = await deployAutomationRegistryLogicA2_3(signer, logicB)
    const registry = await deployAutomationRegistry2_3(signer, logicA)
    expect(await registry.typeAndVersion()).toBe('AutomationRegistry 2.3.0')
    expect(await registry.owner()).toBe(signerAddress)
  })

  it('deploys the KeystoneForwarder and reads a feed through an EACAggregatorProxy', async () => {
    const forwarder = await deployKeystoneForwarder(signer)
    expect(await forwarder.typeAndVersion()).toBe('KeystoneForwarder 1.0.0')
    const aggregator = await deployMockV3Aggregator(signer, 8, 42n)
    const deployed = await deployEACAggregatorProxy(signer, aggregator, ZeroAddress)
    const proxy = eacAggregatorProxyAt(await deployed.getAddress(), provider)
    expect(await proxy.aggregator()).toBe(await aggregator.getAddress())
    expect((await proxy.latestRoundData()).answer).toBe(42n)
    expect(await proxy.decimals()).toBe(8n)
  })
})
