#!/usr/bin/env bash
# Makes this machine ready for the reference lab: installs Docker, HAProxy, nginx, Redis and Redis Sentinel (and
# chromium, for the HTML report's browser test) when missing,
# starts dockerd when it does not answer, and builds the lab backend image. Idempotent, and quick when all
# is there. CI runs it as root on a fresh machine (from .ci/run); a developer runs it once.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
log() { echo "lab-setup: $*"; }

missing=()
{ command -v docker && command -v dockerd; } >/dev/null || missing+=(docker.io)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v redis-server >/dev/null || missing+=(redis-server)
# The redis-sentinel sessions mode (the store's failover) runs Debian's Sentinel beside a primary and a replica.
command -v redis-sentinel >/dev/null || missing+=(redis-sentinel)
# Chaos is tested through Podman's Docker-compatible API too (test/chaos/podman.int.test.ts starts its service).
command -v podman >/dev/null || missing+=(podman)
# The HTML report's browser test drives Debian's chromium with playwright-core (which downloads no browser).
[[ -x /usr/bin/chromium ]] || missing+=(chromium fonts-liberation)

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) != 0 ]]; then
    log "missing packages: ${missing[*]}; install them as root (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  # Keep the packages' own services (nginx on :80, redis on :6379, sentinel on :26379, docker) from starting: the
  # lab runs its own.
  added_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    added_policy=true
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if $added_policy; then rm -f /usr/sbin/policy-rc.d; fi
fi

if ! docker version >/dev/null 2>&1; then
  if [[ $(id -u) != 0 ]]; then
    log "dockerd is not answering; start it as root: dockerd --bridge=none --iptables=false --ip-masq=false" >&2
    exit 1
  fi
  log "starting dockerd (log: /var/log/session-chaos-dockerd.log)"
  # The lab runs containers on the host network only, so dockerd needs no bridge and no iptables rules.
  setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false >/var/log/session-chaos-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker version >/dev/null 2>&1; then
    log "dockerd did not answer within 60 s; last lines of its log:" >&2
    tail -n 20 /var/log/session-chaos-dockerd.log >&2 || true
    exit 1
  fi
fi

# The image holds the bundled backend, which the build writes.
[[ -f dist/lab/backend.cjs && -f dist/lab/docker/image.js ]] || npm run build --silent
node scripts/lab-image.mjs
