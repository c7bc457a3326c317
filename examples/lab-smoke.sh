#!/usr/bin/env bash
# The CI example's smoke profile (examples/smoke.yaml) on the reference lab: HAProxy cookie insert over Redis
# sessions, a design that keeps sessions, so the run must pass its thresholds (exit 0). Needs dist/ (npm run
# build) and the lab's components (scripts/lab-setup.sh). The lab is removed however the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=(node bin/session-chaos.js)
out=$(mktemp -d)
facts=$("${cli[@]}" lab up --balancer haproxy-cookie --sessions redis --users 20 --password smoke-password --json)
read -r id url < <(node -e 'const f = JSON.parse(process.argv[1]); console.log(f.id, f.url)' "$facts")
trap '"${cli[@]}" lab down "$id" >/dev/null; rm -rf "$out"' EXIT
SMOKE_PASSWORD=smoke-password NO_COLOR=1 "${cli[@]}" run --profile examples/smoke.yaml --target "$url" \
  --json "$out/result.json" --junit "$out/junit.xml"
