#!/usr/bin/env bash
# A private Keystone (Debian's `keystone`, OpenStack Zed) on loopback, for tests and for
# trying zaqar-ts with `auth_strategy = keystone`. Nothing is written to /etc/keystone:
# config, sqlite database, fernet and credential keys, logs and the pid file all live in DIR.
#
#   scripts/keystone.sh start DIR [PORT]   configure a fresh Keystone in DIR and start it on
#                                          127.0.0.1:PORT (default: a free port); prints the
#                                          env file DIR/keystone.env (URL and credentials)
#   scripts/keystone.sh stop DIR           stop the Keystone started in DIR (DIR is kept)
#   scripts/keystone.sh installed          exit 0 when the package is installed
#   scripts/keystone.sh preseed            (root) answer the package's debconf questions "no",
#                                          before an `apt-get install ... keystone`
#
# `start` installs the package when it is missing (root: apt-get; otherwise it stops and
# prints the command). `start` always begins from an empty database: old state in DIR is lost.
#
# The env file holds, as NAME=value lines (`set -a; . DIR/keystone.env; set +a`):
#   ZAQAR_KEYSTONE_URL, ZAQAR_KEYSTONE_SERVICE_USER/_PASSWORD/_PROJECT/_DOMAIN  (the service's settings)
#   ZAQAR_TEST_KEYSTONE_URL, ZAQAR_TEST_KEYSTONE_ADMIN_USER/_PASSWORD/_PROJECT,
#   ZAQAR_TEST_KEYSTONE_SERVICE_USER/_PASSWORD/_PROJECT, ZAQAR_TEST_KEYSTONE_DOMAIN  (for the tests)
#
# Why it is shaped this way (measured facts in the team's keystone.md):
# * ONE uWSGI process with ONE thread: more make sqlite fail ("database is locked").
#   `Connection: close` keeps a client's idle keep-alive connection from holding that thread.
# * The package's postinst starts a server on port 5000 unless /usr/sbin/policy-rc.d exits 101.
# * Anything importing keystone runs with /usr/bin/python3 (a pyenv python3 may come first).
# * bcrypt rounds 4 (the minimum): the default 12 costs ~0.5 s per password auth.
# * Speed: keystone-manage's four set-up commands run in one Python process (each alone is
#   mostly import time), while uWSGI loads the app.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(keystone)

die() {
  echo "keystone.sh: $*" >&2
  exit 1
}

installed() {
  [[ -x /usr/bin/keystone-manage && -x /usr/bin/keystone-wsgi-public && -x $PY &&
    -e /usr/lib/uwsgi/plugins/python3_plugin.so ]] && command -v uwsgi >/dev/null 2>&1
}

preseed() {
  printf '%s\n' 'keystone keystone/configure_db boolean false' \
    'keystone keystone/create-admin-tenant boolean false' \
    'keystone keystone/register-endpoint boolean false' | debconf-set-selections
}

install_package() {
  local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    echo "keystone.sh: Debian's keystone package is missing. Install it with:" >&2
    echo "  sudo sh -c '$cmd'" >&2
    echo "  (with /usr/sbin/policy-rc.d exiting 101, so its postinst starts no server on port 5000)" >&2
    exit 1
  fi
  echo "keystone.sh: installing ${PACKAGES[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  preseed
  local policy_made=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
  fi
  local status=0
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } >&2 || status=$?
  ((policy_made)) && rm -f /usr/sbin/policy-rc.d
  ((status == 0)) || die "apt-get failed ($status)"
  installed || die "the keystone package is installed but keystone-manage, keystone-wsgi-public or uwsgi is missing"
}

free_port() {
  $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Alive when the pid file names a running process.
running_pid() {
  local pidfile="$1/keystone.pid" pid
  [[ -s $pidfile ]] || return 1
  pid="$(tr -dc 0-9 <"$pidfile")"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop() {
  local dir="$1" pid
  [[ -d $dir ]] || die "no such directory: $dir"
  dir="$(cd "$dir" && pwd)"
  if ! pid="$(running_pid "$dir")"; then
    rm -f "$dir/keystone.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/keystone.pid"
}

write_config() {
  local dir="$1"
  cat >"$dir/etc/keystone.conf" <<EOF
[DEFAULT]
log_dir = $dir/log
log_file = keystone.log
[database]
connection = sqlite:///$dir/keystone.db
sqlite_synchronous = false
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[identity]
password_hash_rounds = 4
[cache]
enabled = true
backend = dogpile.cache.memory
EOF
}

# fernet_setup, credential_setup, db_sync and bootstrap in ONE Python process, through the
# function keystone-manage itself calls: each command alone is ~3 s of import for ~0.1-0.5 s
# of work, and four imports in parallel fight over the same two cores.
manage() {
  $PY - "$@" <<'PY'
import sys
from keystone.cmd import cli
import keystone.conf

config, user, group, admin_pw, url = sys.argv[1:6]
owner = ["--keystone-user", user, "--keystone-group", group]
commands = [
    ["fernet_setup", *owner],
    ["credential_setup", *owner],
    ["db_sync"],
    ["bootstrap", "--bootstrap-password", admin_pw, "--bootstrap-username", "admin",
     "--bootstrap-project-name", "admin", "--bootstrap-role-name", "admin",
     "--bootstrap-service-name", "keystone", "--bootstrap-region-id", "RegionOne",
     "--bootstrap-admin-url", url + "/v3/", "--bootstrap-public-url", url + "/v3/",
     "--bootstrap-internal-url", url + "/v3/"],
]
for command in commands:
    keystone.conf.CONF.clear()  # unparse, so main() can parse the next command line
    cli.main(argv=["keystone-manage", "--config-file", config, *command])
PY
}

start_uwsgi() {
  local dir="$1" port="$2"
  : >"$dir/log/uwsgi.log"
  uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --wsgi-file /usr/bin/keystone-wsgi-public \
    --master --processes 1 --threads 1 --lazy-apps --need-app --die-on-term --no-orphans \
    --buffer-size 65535 --listen 128 --add-header 'Connection: close' \
    --env "OS_KEYSTONE_CONFIG_FILES=$dir/etc/keystone.conf" \
    --pidfile "$dir/keystone.pid" --daemonize "$dir/log/uwsgi.log" >/dev/null 2>&1
}

# Waits for GET /v3/ (200), then creates the service role, project and user the
# validator authenticates as, and checks that they can get a project-scoped token.
provision() {
  $PY - "$@" <<'PY'
import json, os, sys, time, urllib.error, urllib.request

url, admin_pw, svc_user, svc_pw, svc_project, pidfile, uwsgi_log = sys.argv[1:8]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    with urllib.request.urlopen(req, timeout=30) as res:
        raw = res.read()
        return res.status, res.headers, (json.loads(raw) if raw else None)

def alive():
    try:
        os.kill(int(open(pidfile).read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False

deadline = time.monotonic() + 90
while True:
    try:
        if call("GET", "/v3/")[0] == 200:
            break
    except (urllib.error.URLError, ConnectionError, OSError):
        pass
    if time.monotonic() > deadline:
        sys.exit("GET /v3/ did not answer within 90 s; see " + uwsgi_log)
    if time.monotonic() > deadline - 85 and not alive():
        sys.exit("uwsgi exited; see " + uwsgi_log)
    time.sleep(0.05)

def token(user, password, project):
    scope = {"project": {"name": project, "domain": {"id": "default"}}}
    ident = {"methods": ["password"], "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}}}
    status, headers, _ = call("POST", "/v3/auth/tokens", {"auth": {"identity": ident, "scope": scope}})
    return headers["X-Subject-Token"]

admin = token("admin", admin_pw, "admin")
role = call("POST", "/v3/roles", {"role": {"name": "service"}}, admin)[2]["role"]["id"]
project = call("POST", "/v3/projects", {"project": {"name": svc_project, "domain_id": "default"}}, admin)[2]["project"]["id"]
user = call("POST", "/v3/users", {"user": {"name": svc_user, "domain_id": "default", "password": svc_pw, "default_project_id": project}}, admin)[2]["user"]["id"]
call("PUT", f"/v3/projects/{project}/users/{user}/roles/{role}", None, admin)
token(svc_user, svc_pw, svc_project)
PY
}

start() {
  local dir="$1" port="${2:-}" auto_port=0
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if running_pid "$dir" >/dev/null; then die "a Keystone started in $dir is running; stop it first: $0 stop $dir"; fi
  installed || install_package

  local t0=$EPOCHREALTIME
  rm -rf "$dir/etc" "$dir/log" "$dir/fernet-keys" "$dir/credential-keys" "$dir/keystone.db" "$dir/keystone.env"
  mkdir -p "$dir/etc" "$dir/log" "$dir/fernet-keys" "$dir/credential-keys"
  chmod 700 "$dir/fernet-keys" "$dir/credential-keys"
  write_config "$dir"

  local admin_pw svc_pw user group
  admin_pw="admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  svc_pw="zaqar-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  user="$(id -un)"
  group="$(id -gn)"
  # uWSGI loads the app (~3-5 s of Python import) while one keystone-manage process sets up
  # the keys, the schema and the admin: the app touches neither until the first request.
  [[ -n $port ]] || { port="$(free_port)"; auto_port=1; }
  local url="http://127.0.0.1:$port"
  start_uwsgi "$dir" "$port" || die "uwsgi did not start; see $dir/log/uwsgi.log"
  if ! manage "$dir/etc/keystone.conf" "$user" "$group" "$admin_pw" "$url" >"$dir/log/keystone-manage.out" 2>&1; then
    stop "$dir"
    die "keystone-manage failed; see $dir/log/keystone-manage.out"
  fi
  if ! provision "$url" "$admin_pw" zaqar "$svc_pw" service "$dir/keystone.pid" "$dir/log/uwsgi.log"; then
    # A port picked for us may have been taken in between: say so rather than guess.
    ((auto_port)) && grep -q 'Address already in use' "$dir/log/uwsgi.log" && echo "keystone.sh: port $port was taken; run again" >&2
    stop "$dir"
    die "Keystone did not come up; see $dir/log/uwsgi.log and $dir/log/keystone.log"
  fi

  local env="$dir/keystone.env"
  (
    umask 077
    cat >"$env" <<EOF
# Keystone started by scripts/keystone.sh in $dir; stop it with: scripts/keystone.sh stop $dir
ZAQAR_KEYSTONE_URL=$url
ZAQAR_KEYSTONE_SERVICE_USER=zaqar
ZAQAR_KEYSTONE_SERVICE_PASSWORD=$svc_pw
ZAQAR_KEYSTONE_SERVICE_PROJECT=service
ZAQAR_KEYSTONE_SERVICE_DOMAIN=default
ZAQAR_TEST_KEYSTONE_URL=$url
ZAQAR_TEST_KEYSTONE_DOMAIN=default
ZAQAR_TEST_KEYSTONE_ADMIN_USER=admin
ZAQAR_TEST_KEYSTONE_ADMIN_PASSWORD=$admin_pw
ZAQAR_TEST_KEYSTONE_ADMIN_PROJECT=admin
ZAQAR_TEST_KEYSTONE_SERVICE_USER=zaqar
ZAQAR_TEST_KEYSTONE_SERVICE_PASSWORD=$svc_pw
ZAQAR_TEST_KEYSTONE_SERVICE_PROJECT=service
EOF
  )
  echo "keystone.sh: Keystone at $url (pid $(running_pid "$dir")), ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s; env file $env" >&2
  cat "$env"
}

case "${1:-}" in
  start)
    [[ $# -ge 2 && $# -le 3 ]] || die "usage: $0 start DIR [PORT]"
    start "$2" "${3:-}"
    ;;
  stop)
    [[ $# -eq 2 ]] || die "usage: $0 stop DIR"
    stop "$2"
    ;;
  installed) installed ;;
  preseed) preseed ;;
  *) die "usage: $0 start DIR [PORT] | stop DIR | installed | preseed" ;;
esac
