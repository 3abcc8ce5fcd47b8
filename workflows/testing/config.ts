/**
 * Test helper: config validation as the SDK's Runner does it (through the schema's Standard Schema
 * interface), reduced to `path: message` lines, the way its "Config validation failed" error names
 * each field.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'

export function configIssues(schema: StandardSchemaV1, input: unknown): string[] {
  const result = schema['~standard'].validate(input)
  if (result instanceof Promise) throw new Error('the Runner validates config synchronously here')
  return (result.issues ?? []).map((issue) => {
    const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment))
    return `${path.join('.')}: ${issue.message}`
  })
}
