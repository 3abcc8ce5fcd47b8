/**
 * An adapter's HTTP answer as tests and tools read it, and the framework's "no value yet", which
 * a node retries in its next round. No framework import: the jobs CLI reads answers with it.
 */

/** An HTTP answer: its status, its body as text, and that body parsed when it is a JSON object. */
export interface HttpAnswer {
  status: number
  text: string
  body?: Record<string, unknown>
}

/** An answer from its status and body text, the body parsed when it is a JSON object. */
export function httpAnswer(status: number, text: string): HttpAnswer {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body)
  return { status, text, body: isObject ? (body as Record<string, unknown>) : undefined }
}

/** The framework's message for "no value in the cache yet": the background read has not landed. */
export const NOT_YET_COMPUTED = 'The EA has not received any values from the Data Provider'

/** Whether `answer` is the framework's 504 "no value yet" (a node retries it). */
export function isNotYetComputed(answer: HttpAnswer): boolean {
  const error = answer.body?.error as { message?: unknown } | undefined
  return (
    answer.status === 504 && typeof error?.message === 'string' && error.message.startsWith(NOT_YET_COMPUTED)
  )
}
