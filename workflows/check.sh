#!/bin/sh
# The offline half of `cre-compile`, for every workflow (workflows/<name>/main.ts), run by `npm run lint`
# after `tsc -p workflows` has type-checked them:
# - the SDK's runtime-compatibility validation (no Node built-ins, no fetch/setTimeout/window…: the
#   compiled workflow runs on QuickJS, not Node) and the JS bundle the WASM is made from
#   (compile-to-js, which cre-compile runs before Javy; its own type check is skipped: done already);
# - the SDK's determinism check, whose warnings (Date.now(), unsorted Object.keys, …) fail here.
# The WASM step itself needs the Javy toolchain, downloaded on first use: `npm run build:workflow`.
set -eu
cd "$(dirname "$0")/.."
# the project's bun (the SDK's scripts also call `bun build` by name), also when run outside npm
PATH="$PWD/node_modules/.bin:$PATH"
sdk=node_modules/@chainlink/cre-sdk/scripts/run.ts
out="${TMPDIR:-/tmp}/cre-workflows-check"
for entry in workflows/*/main.ts; do
  name=$(basename "$(dirname "$entry")")
  bun "$sdk" compile-to-js "$entry" "$out/$name.js" --skip-type-checks
  warnings=$(bun "$sdk" check-determinism "$entry" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "$warnings" >&2
    echo "❌ $entry: non-determinism warnings" >&2
    exit 1
  fi
  echo "✅ $entry: no non-determinism warnings"
done
