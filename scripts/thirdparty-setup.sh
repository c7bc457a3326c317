#!/usr/bin/env bash
# Installs what the third-party app suites (test/thirdparty) run beyond package.json: Django's admin, from
# Debian's python3-django (for Debian's own /usr/bin/python3), and Node-RED, from npm into .thirdparty/ with
# the lock file in test/thirdparty/fixtures/node-red/install (its 280 packages are the suite's alone, so they
# stay out of the project's own lock file). express, express-session and morgan are devDependencies (npm ci).
# The balancers in front of them (HAProxy, nginx) come from scripts/lab-setup.sh.
# Idempotent, and quick when all is there. CI runs it as root from .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "thirdparty-setup: $*"; }

if ! /usr/bin/python3 -c 'import django' 2>/dev/null; then
  if [[ $(id -u) != 0 ]]; then
    log "Django is missing for /usr/bin/python3; install it as root (apt-get install -y python3-django)" >&2
    exit 1
  fi
  log "installing python3-django"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-django >/dev/null
fi

lock=test/thirdparty/fixtures/node-red/install
node_red_dir=.thirdparty/node-red
if ! cmp -s "$lock/package-lock.json" "$node_red_dir/package-lock.json" ||
  [[ ! -f $node_red_dir/node_modules/node-red/red.js ]]; then
  log "installing Node-RED into $node_red_dir"
  rm -rf "$node_red_dir"
  mkdir -p "$node_red_dir"
  cp "$lock/package.json" "$lock/package-lock.json" "$node_red_dir/"
  npm ci --prefix "$node_red_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi
