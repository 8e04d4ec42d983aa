#!/usr/bin/env bash
# `npm run bench`: raise the open-file limit as far as this machine lets us (50,000 idle
# connections need more than the usual 1,024, or even 20,000), then run every scenario.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)"
exec "$here/../node_modules/.bin/bun" "$here/main.ts" "$@"
