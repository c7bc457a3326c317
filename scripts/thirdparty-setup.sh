#!/usr/bin/env bash
# Installs what the third-party app suites (test/thirdparty) run that npm does not: Django's admin, from
# Debian's python3-django, for Debian's own /usr/bin/python3. express, express-session and morgan are
# devDependencies (npm ci). Idempotent, and quick when all is there. CI runs it as root from .ci/run.
set -euo pipefail

log() { echo "thirdparty-setup: $*"; }

if /usr/bin/python3 -c 'import django' 2>/dev/null; then exit 0; fi
if [[ $(id -u) != 0 ]]; then
  log "Django is missing for /usr/bin/python3; install it as root (apt-get install -y python3-django)" >&2
  exit 1
fi
log "installing python3-django"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-django >/dev/null
