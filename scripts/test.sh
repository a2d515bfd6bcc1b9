#!/usr/bin/env bash
# The test command (`npm test` runs it after `pretest`: buf generate, buf lint, tsc).
#
# 1. Makes sure what the tests need is installed: redis-server (the Redis tests start
#    their own servers on free ports) and Debian's python3-zaqarclient for
#    /usr/bin/python3 (the end-to-end client test; a pyenv python3 on PATH cannot see
#    Debian packages). As root it installs them with apt-get; otherwise it stops and
#    prints the command.
# 2. Runs ava with TAP output, shows it, and ends with one line "N passed, N failed"
#    (", N skipped" when any were), read from TAP's "# pass" / "# fail" totals.
#    Exits non-zero when a test failed, ava itself failed, or no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [[ ! -x /usr/bin/python3 ]]; then
  missing+=(python3 python3-zaqarclient python3-websocket)
else
  /usr/bin/python3 -c 'import zaqarclient.queues.client' >/dev/null 2>&1 || missing+=(python3-zaqarclient)
  # python-zaqarclient's WebSocket transport (the edge-ws client test) needs websocket-client.
  /usr/bin/python3 -c 'import websocket' >/dev/null 2>&1 || missing+=(python3-websocket)
fi

if ((${#missing[@]} > 0)); then
  install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    echo "test.sh: missing ${missing[*]}. Install with:" >&2
    echo "  sudo sh -c '$install'" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  # Keep the packages' postinst from starting a system redis-server on port 6379.
  policy_made=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  if ((policy_made)); then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
set +e
npx ava --tap 2>&1 | tee "$tap"
ava_status=${PIPESTATUS[0]}
set -e

# TAP totals from ava's reporter; if ava died before printing them, count the test lines.
total() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$tap" | tail -n 1; }
passed="$(total pass)"
failed="$(total fail)"
skipped="$(total skip)"
[[ -n "$passed" ]] || passed="$(grep -c '^ok ' "$tap" || true)"
[[ -n "$failed" ]] || failed="$(grep -c '^not ok ' "$tap" || true)"
skipped="${skipped:-0}"

status=0
if ((ava_status != 0 && failed == 0)); then
  echo "test.sh: ava exited with status $ava_status without a failing test; counting the run as one failure"
  failed=1
fi
if ((passed + failed == 0)); then
  echo "test.sh: no test ran"
  status=1
fi
((failed == 0)) || status=1

line="$passed passed, $failed failed"
((skipped == 0)) || line="$line, $skipped skipped"
echo "$line"
exit "$status"
