#!/usr/bin/env bash
# The whole test suite: typecheck, lint, format, dead code, then every test on PGlite and on a throw-away
# PostgreSQL server (Debian's package, on a loopback port, deleted afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"
npx tsc -b
echo "== lint"
npx eslint . --max-warnings 0
echo "== format (prettier --check; npx prettier --write . fixes it)"
npx prettier --check . --log-level warn
echo "== dead code (knip: unused files, exports and dependencies)"
npx knip --no-progress

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/zhibo-pg-XXXXXX)
PGPORT=${ZHIBO_TEST_PG_PORT:-$((20000 + RANDOM % 20000))}
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$PGDIR"
  RUNAS=(runuser -u postgres --)
fi
cleanup() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
REDIS_DIR=$(mktemp -d /tmp/zhibo-redis-XXXXXX)
REDIS_PORT=${ZHIBO_TEST_REDIS_PORT:-$((40000 + RANDOM % 20000))}
REDIS_PID=""
cleanup_all() {
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  rm -rf "$REDIS_DIR"
  cleanup
}
trap cleanup_all EXIT
echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (throw-away)"
"${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U zhibo --auth=trust -E UTF8 >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-h 127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null
export ZHIBO_TEST_PG_URL="postgres://zhibo@127.0.0.1:$PGPORT/postgres"
# Cluster tests (issue 13) need Redis 7 too: a throw-away one on a loopback port, no persistence.
if command -v redis-server >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" >"$REDIS_DIR/log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
  echo "== Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$REDIS_PORT (throw-away)"
  export ZHIBO_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
fi

echo "== tests"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line for CI: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
