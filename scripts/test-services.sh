#!/usr/bin/env bash
# Installs (Debian, as root) and starts the services Vigil's integration tests run against:
# PostgreSQL and Redis on 127.0.0.1, and Chromium for the dashboard's browser tests. Prints the
# environment the tests read, for `eval`:
#   eval "$(scripts/test-services.sh)"
# Idempotent: a service that already answers is left alone.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# Debian's Chromium for the dashboard's browser tests (playwright-core drives it; no browser download).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]} with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
fi

# PostgreSQL: Debian's cluster tools; the first cluster found is the one we use.
read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters --no-header | head -1)
if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
  log "starting PostgreSQL $pg_version/$pg_cluster on port $pg_port"
  pg_ctlcluster "$pg_version" "$pg_cluster" start >&2
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.5; done
pg_isready -q -h 127.0.0.1 -p "$pg_port" || { log "PostgreSQL did not become ready"; exit 1; }
# A superuser for tests: each test file creates and drops its own throw-away database.
su postgres -c "psql -q -p $pg_port -tc \"select 1 from pg_roles where rolname = 'vigil'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $pg_port -c \"create role vigil login superuser password 'vigil'\"" >&2

# Redis: daemonised on the default port, no persistence (tests only).
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis on port 6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >&2
fi
for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { log "Redis did not become ready"; exit 1; }

echo "export TEST_DATABASE_URL=postgres://vigil:vigil@127.0.0.1:$pg_port/postgres"
echo "export TEST_REDIS_URL=redis://127.0.0.1:6379"
echo "export CHROMIUM_PATH=/usr/bin/chromium"
