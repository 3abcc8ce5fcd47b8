/**
 * Where a block, a transaction or an address is shown: a block explorer's pages (Etherscan's paths, which
 * Blockscout and the Etherscan family share), or, for a chain no explorer indexes (a local one), the
 * dashboard's own pages (dashboard/page/explorer.ts).
 */

/** The block explorers of the networks of upkeeps/networks.json (dashboard/test checks there is one for each). */
export const EXPLORERS: Readonly<Record<string, string>> = {
  ethereum: 'https://etherscan.io',
  sepolia: 'https://sepolia.etherscan.io',
  arbitrum: 'https://arbiscan.io',
  'arbitrum-sepolia': 'https://sepolia.arbiscan.io',
  base: 'https://basescan.org',
  'base-sepolia': 'https://sepolia.basescan.org',
}

export interface Links {
  block(block: number): string
  tx(hash: string): string
  address(address: string): string
  /** whether the links lead to the dashboard's own pages */
  local: boolean
}

/** Links to `explorer` (a base URL), or to the dashboard's own pages when there is none. */
export function explorerLinks(explorer: string | undefined): Links {
  const base = explorer ?? ''
  return {
    block: (block) => `${base}/block/${block}`,
    tx: (hash) => `${base}/tx/${hash}`,
    address: (address) => `${base}/address/${address}`,
    local: explorer === undefined,
  }
}
