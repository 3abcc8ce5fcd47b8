/**
 * A generic JSON reserves API, the provider of the adapter template (scripts/templates/adapter):
 * `GET /<account>` answers `{ "account", "reserves": "<decimal text>", "asOf": "<ISO time>" }`,
 * dated at the time of the request.
 */
import { firstSegment, jsonReply, serveApi, type ApiServer } from './http-api'

/** The answer for `account` holding `reserves` (decimal text), dated `asOf`. */
export function reservesJson(account: string, reserves: string, asOf: Date): string {
  return JSON.stringify({ account, reserves, asOf: asOf.toISOString() })
}

/** Serves each account's reserves (decimal text) at `/<account>`, dated now. */
export function serveReservesApi(accounts: Record<string, string>): Promise<ApiServer> {
  return serveApi((path) => {
    const account = firstSegment(path)
    const reserves = Object.hasOwn(accounts, account) ? accounts[account] : undefined
    return reserves === undefined ? undefined : jsonReply(reservesJson(account, reserves, new Date()))
  })
}
