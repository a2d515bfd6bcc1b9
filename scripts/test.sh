#!/usr/bin/env bash
# The test command (`npm test` runs it after `pretest`: buf generate, buf lint, tsc).
#
# 1. Makes sure what the tests need is installed: redis-server (the Redis tests start
#    their own servers on free ports), openssl (test certificates) and Debian's python3-zaqarclient for
#    /usr/bin/python3 (the end-to-end client test; a pyenv python3 on PATH cannot see
#    Debian packages), and Debian's keystone. As root it installs them with apt-get (one
#    run); otherwise it stops and prints the command.
# 2. Starts one private Keystone for the whole run (scripts/keystone.sh, in a temp dir, on
#    a free loopback port), exports its URL and credentials as ZAQAR_TEST_KEYSTONE_* (read
#    by test/helpers/keystone.ts) and stops it on exit. When ZAQAR_TEST_KEYSTONE_URL is
#    already set, that Keystone is used instead. If it cannot start, the tests still run
#    and the ones that need Keystone fail, quoting ZAQAR_TEST_KEYSTONE_ERROR.
# 3. Runs ava with TAP output, shows it, and ends with one line "N passed, N failed"
#    (", N skipped" when any were), read from TAP's "# pass" / "# fail" totals.
#    Exits non-zero when a test failed, ava itself failed, or no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The mutual-TLS tests make their certificates with the openssl CLI.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [[ ! -x /usr/bin/python3 ]]; then
  missing+=(python3 python3-zaqarclient python3-websocket)
else
  /usr/bin/python3 -c 'import zaqarclient.queues.client' >/dev/null 2>&1 || missing+=(python3-zaqarclient)
  # python-zaqarclient's WebSocket transport (the edge-ws client test) needs websocket-client.
  /usr/bin/python3 -c 'import websocket' >/dev/null 2>&1 || missing+=(python3-websocket)
fi
# The Keystone-backed tests (scripts/keystone.sh says what it needs and why).
if [[ -z "${ZAQAR_TEST_KEYSTONE_URL:-}" ]] && ! bash scripts/keystone.sh installed; then
  missing+=(keystone)
fi

if ((${#missing[@]} > 0)); then
  install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    echo "test.sh: missing ${missing[*]}. Install with:" >&2
    echo "  sudo sh -c '$install'" >&2
    [[ " ${missing[*]} " != *" keystone "* ]] ||
      echo "  (keystone's postinst starts a server on port 5000 unless /usr/sbin/policy-rc.d exits 101)" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  # Keep the packages' postinst from starting a system redis-server on port 6379 (and
  # keystone's from starting a server on port 5000).
  policy_made=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  # keystone's debconf questions all answered "no": no database setup, no bootstrap.
  [[ " ${missing[*]} " != *" keystone "* ]] || bash scripts/keystone.sh preseed
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  if ((policy_made)); then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

tap="$(mktemp)"
keystone_dir=""
cleanup() {
  rm -f "$tap"
  if [[ -n "$keystone_dir" ]]; then
    bash scripts/keystone.sh stop "$keystone_dir" || true
    rm -rf "$keystone_dir"
  fi
}
trap cleanup EXIT
# bash runs no EXIT trap when a signal kills it: exit instead, so Keystone is stopped.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n "${ZAQAR_TEST_KEYSTONE_URL:-}" ]]; then
  echo "test.sh: using the Keystone at $ZAQAR_TEST_KEYSTONE_URL (ZAQAR_TEST_KEYSTONE_URL is set)"
else
  keystone_dir="$(mktemp -d "${TMPDIR:-/tmp}/zq-keystone.XXXXXX")"
  if bash scripts/keystone.sh start "$keystone_dir" >/dev/null; then
    while IFS= read -r line; do
      export "${line?}"
    done < <(grep '^ZAQAR_TEST_KEYSTONE_' "$keystone_dir/keystone.env")
  else
    export ZAQAR_TEST_KEYSTONE_ERROR="scripts/keystone.sh could not start Keystone (its output is above)"
    echo "test.sh: $ZAQAR_TEST_KEYSTONE_ERROR; the tests that need it will fail" >&2
  fi
fi

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
