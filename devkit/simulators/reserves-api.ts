/**
 * A generic JSON reserves API, the provider of the adapter template (scripts/templates/adapter):
 * `GET /<account>` answers `{ "account", "reserves": "<decimal text>", "asOf": "<ISO time>" }`,
 * dated at the time of the request, or a given age before it.
 */
import { firstSegment, jsonReply, serveApi, type ApiServer } from './http-api'

/** An account's reserves (decimal text), and how old its figure is when asked (0 s unless given). */
export type ReservesAccount = string | { reserves: string; ageSeconds: number }

/** The answer for `account` holding `reserves` (decimal text), dated `asOf`. */
export function reservesJson(account: string, reserves: string, asOf: Date): string {
  return JSON.stringify({ account, reserves, asOf: asOf.toISOString() })
}

/** Serves each account's reserves at `/<account>`, dated now less the account's age. */
export function serveReservesApi(accounts: Record<string, ReservesAccount>): Promise<ApiServer> {
  return serveApi((path) => {
    const name = firstSegment(path)
    const account = Object.hasOwn(accounts, name) ? accounts[name] : undefined
    if (account === undefined) return undefined
    const { reserves, ageSeconds } =
      typeof account === 'string' ? { reserves: account, ageSeconds: 0 } : account
    return jsonReply(reservesJson(name, reserves, new Date(Date.now() - ageSeconds * 1000)))
  })
}
