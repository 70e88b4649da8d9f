#!/usr/bin/env bash
# End-to-end import benchmark against the store's own bulk loader of the same file, in the same run.
#   bench/import.sh [ROWS]              SQLite: against sqlite3's .import (default 2,000,000 interactions)
#   bench/import.sh --latency [--postgres] [ROWS]   only the status-poll latency (idle and during the ROWS-row load)
#   bench/import.sh --postgres [ROWS]   PostgreSQL (or STORE=postgres): starts a throwaway server with .ci/postgres.sh,
#                                       runs Intake on one database of it and times psql \copy of the same CSVs into
#                                       bare tables in another database of the same server
# env TEN_ROWS sets the ten-imports size, default 200,000; LATENCY_RATE (250/s) and LATENCY_MIN (2000) the status polls.
# Prints rows/s for Intake and the baselines, their ratios, parse MB/s, the server's peak RSS, the
# ratio of the tenth to the first of ten imports into one dataset, and the status-poll latency idle and during a load.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${STORE:-sqlite}
LATENCY_ONLY=
if [ "${1:-}" = --latency ]; then LATENCY_ONLY=1; shift; fi
if [ "${1:-}" = --postgres ]; then STORE=postgres; shift; fi
case "$STORE" in
  sqlite) command -v sqlite3 >/dev/null || { echo "sqlite3 is needed for the baseline: apt-get install -y sqlite3" >&2; exit 1; } ;;
  postgres) command -v psql >/dev/null || { echo "psql is needed for the baseline: apt-get install -y postgresql-client" >&2; exit 1; } ;;
  *) echo "usage: bench/import.sh [--postgres] [ROWS]   (STORE=sqlite|postgres)" >&2; exit 2 ;;
esac
ROWS=${1:-2000000}
TEN_ROWS=${TEN_ROWS:-200000}
LATENCY_RATE=${LATENCY_RATE:-250}
LATENCY_MIN=${LATENCY_MIN:-2000}
OUT=${BENCH_OUT:-bench/out}
# A free port unless PORT is given: another benchmark on this machine may hold any fixed one, and its server would
# answer this one's requests.
free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    ss -ltnH "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return 0; }
  done
  return 1
}
PORT=${PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== data"
[ -f "$OUT/interactions-$ROWS.csv" ] || bench/generate.sh interactions "$ROWS" "$OUT/interactions-$ROWS.csv"
ENTITY_ROWS=$((ROWS / 4))
[ -f "$OUT/entities-$ENTITY_ROWS.csv" ] || bench/generate.sh entities "$ENTITY_ROWS" "$OUT/entities-$ENTITY_ROWS.csv"
for p in $(seq 0 9); do
  [ -f "$OUT/ten-$TEN_ROWS-$p.csv" ] || bench/generate.sh interactions "$TEN_ROWS" "$OUT/ten-$TEN_ROWS-$p.csv" "$p"
done
INTERACTIONS="$OUT/interactions-$ROWS.csv"
ENTITIES="$OUT/entities-$ENTITY_ROWS.csv"
ls -l "$INTERACTIONS" "$ENTITIES" | awk '{print "  " $5 " bytes  " $9}'

echo "== build (Release)"
build() {
  local log
  log=$(dotnet build "$1" -c Release -v quiet -nologo 2>&1) || { echo "$log" | grep -E ' error ' | sort -u >&2; echo "the build of $1 failed" >&2; exit 1; }
}
build src/Intake.Server
build bench/Intake.Benchmarks

echo "== parsing alone (one core, from memory)"
dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll parse "$INTERACTIONS" | sed 's/^/  /'

DATA=$(mktemp -d)
SERVER_PID=
PG_DIR=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DIR" ]; then
    cp "$PG_DIR/server.log" "$OUT/postgres.log" 2>/dev/null || true
    .ci/postgres.sh stop "$PG_DIR" || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

# settle DB: before a timed run, let the previous run's leftovers (dead rows, unset hint bits, dirty buffers,
# dirty OS pages: the server runs with fsync=off) be written now instead of billed to the next run.
# SQLite mode has nothing to settle.
settle() { :; }
if [ "$STORE" = postgres ]; then
  echo "== PostgreSQL (throwaway server from .ci/postgres.sh)"
  PG_DIR=$(mktemp -d)
  .ci/postgres.sh start "$PG_DIR" >/dev/null 2>"$DATA/postgres-start.log" || { cat "$DATA/postgres-start.log" >&2; exit 1; }
  PG_PORT=$(cat "$PG_DIR/port")
  pg() { local db=$1; shift; PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"; }
  settle() { pg "$1" -c 'VACUUM' -c 'CHECKPOINT' && sync; }
  pg postgres -c 'CREATE DATABASE intake' -c 'CREATE DATABASE baseline'
  # Statements of Intake's that take over 250 ms go to the server log (kept as $OUT/postgres.log).
  pg postgres -c 'ALTER DATABASE intake SET log_min_duration_statement = 250'
  echo "  PostgreSQL $(pg postgres -Atc 'SHOW server_version') on 127.0.0.1:$PG_PORT," \
    "fsync=$(pg postgres -Atc 'SHOW fsync') synchronous_commit=$(pg postgres -Atc 'SHOW synchronous_commit')" \
    "shared_buffers=$(pg postgres -Atc 'SHOW shared_buffers')"
  echo "  a disposable server's settings; Intake (database intake) and psql (database baseline) share it, so the comparison is fair"
  export INTAKE_Storage__Provider=Postgres
  export INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake"
fi

# start_server DATA_SUBDIR: starts intake serve on a fresh data directory with the exported settings.
start_server() {
  if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then echo "port $PORT is taken by another process; set PORT" >&2; exit 1; fi
  INTAKE_Storage__DataDirectory="$DATA/$1" INTAKE_Logging__LogLevel__Default=Warning \
    artifacts/bin/Intake.Server/release/Intake.Server serve --urls "$BASE" > "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "$BASE/ready" >/dev/null && kill -0 "$SERVER_PID" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "intake serve exited; $OUT/server.log:" >&2; tail -n 20 "$OUT/server.log" >&2; exit 1; }
    sleep 0.1
  done
}
start_server intake

# Uploads a file, waits for a final status; prints "seconds status written rejected". A request that fails
# prints the server's answer to stderr and returns 1, so the caller's assignment stops the run.
import_file() {
  local dataset=$1 file=$2 start id body status
  start=$(now)
  body=$(curl -sS --fail-with-body -X POST -H 'Content-Type: text/csv' --data-binary "@$file" "$BASE/v1/datasets/$dataset/imports") \
    || { echo "upload of $file failed: $body" >&2; return 1; }
  id=$(echo "$body" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  while true; do
    body=$(curl -sS --fail-with-body "$BASE/v1/imports/$id") || { echo "status of import $id failed: $body" >&2; return 1; }
    status=$(echo "$body" | sed 's/.*"status":"\([a-z_]*\)".*/\1/')
    case "$status" in completed|completed_with_errors|failed|canceled) break ;; esac
    sleep 0.05
  done
  local elapsed written rejected
  elapsed=$(since "$start")
  written=$(echo "$body" | sed 's/.*"records_written":\([0-9]*\).*/\1/')
  rejected=$(echo "$body" | sed 's/.*"records_rejected":\([0-9]*\).*/\1/')
  echo "$elapsed $status $written $rejected"
}

create() {
  local body
  body=$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$1\",\"name\":\"$1\"}" "$BASE/v1/datasets") \
    || { echo "creating dataset $1 failed: $body" >&2; exit 1; }
}

# The Intake half, the same for both stores: sets T_INT, T_ENT, FIRST, LAST, PEAK_KB and NOT_COMPLETED (the imports
# that failed or were canceled: their times do not measure an import), then stops the server.
NOT_COMPLETED=
note_status() { case "$2" in completed|completed_with_errors) ;; *) NOT_COMPLETED="$NOT_COMPLETED $1($2)" ;; esac; }
intake_timings() {
  echo "== Intake ($1), upload to completed"
  create interactions; create entities; create ten
  settle intake
  local result p T S W R
  result=$(import_file interactions "$INTERACTIONS")
  read -r T_INT S_INT W_INT R_INT <<<"$result"
  note_status interactions "$S_INT"
  echo "  interactions: $ROWS rows in ${T_INT}s ($S_INT, $W_INT written, $R_INT rejected) = $(rate "$ROWS" "$T_INT") rows/s"
  settle intake
  result=$(import_file entities "$ENTITIES")
  read -r T_ENT S_ENT W_ENT R_ENT <<<"$result"
  note_status entities "$S_ENT"
  echo "  entities:     $ENTITY_ROWS rows in ${T_ENT}s ($S_ENT, $W_ENT written, $R_ENT rejected) = $(rate "$ENTITY_ROWS" "$T_ENT") rows/s"

  echo "== ten imports of $TEN_ROWS rows into one dataset"
  FIRST=; LAST=
  for p in $(seq 0 9); do
    settle intake
    result=$(import_file ten "$OUT/ten-$TEN_ROWS-$p.csv")
    read -r T S W R <<<"$result"
    note_status "ten-$((p + 1))" "$S"
    [ -z "$FIRST" ] && FIRST=$T
    LAST=$T
    echo "  import $((p + 1)): ${T}s ($S, $W written)"
  done
  PEAK_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

# status_latency DATA_SUBDIR: the status poll (GET /v1/imports/{id}) timed from a second process, the benchmarks
# tool, at LATENCY_RATE requests/s: on an idle server, then while the interactions file loads (imported again into
# fresh datasets until LATENCY_MIN polls answered "processing"). A server of its own, apart from the timings above.
status_latency() {
  echo "== status latency: GET /v1/imports/{id} at $LATENCY_RATE/s from a second process (target: p99 < 20 ms during the load)"
  start_server "$1"
  echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows in the figures)"
  dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll latency "$BASE" "$INTERACTIONS" "$LATENCY_RATE" "$LATENCY_MIN" | sed 's/^/  /'
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

if [ -n "$LATENCY_ONLY" ]; then
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  [ "$STORE" = postgres ] && pg postgres -c 'CREATE DATABASE intake_latency' &&
    export INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake_latency"
  status_latency latency
  exit 0
fi

if [ "$STORE" = sqlite ]; then
  intake_timings SQLite
  status_latency latency

  echo "== sqlite3 .import baseline (same CSV)"
  sqlite_import() {
    local db="$DATA/$1.db" start
    rm -f "$db"
    sqlite3 "$db" "$2"
    start=$(now)
    sqlite3 "$db" ".import --csv --skip 1 $INTERACTIONS t"
    since "$start"
  }
  T_BARE=$(sqlite_import bare "CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT);")
  echo "  bare table:  ${T_BARE}s = $(rate "$ROWS" "$T_BARE") rows/s"
  T_KEYED=$(sqlite_import keyed "CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT, UNIQUE(type, source_id, target_id, timestamp));")
  echo "  unique key:  ${T_KEYED}s = $(rate "$ROWS" "$T_KEYED") rows/s"

  echo "== summary"
  echo "  Intake vs sqlite3 .import into the keyed table: $(ratio "$T_KEYED" "$T_INT")x (must be >= 1.0)"
  echo "  Intake vs sqlite3 .import into the bare table:  $(ratio "$T_BARE" "$T_INT")x (goal >= 1.0)"
else
  intake_timings PostgreSQL

  # The same interactions file with staged files in a directory instead of the database (Postgres:StagedFiles),
  # on a fresh database: the difference is what staging the upload in PostgreSQL costs.
  pg postgres -c 'CREATE DATABASE intake_dir' -c 'ALTER DATABASE intake_dir SET log_min_duration_statement = 250'
  INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake_dir" INTAKE_Postgres__StagedFiles=directory \
    start_server intake-dir
  create interactions
  settle intake_dir
  result=$(import_file interactions "$INTERACTIONS")
  read -r T_INT_DIR S_INT_DIR W_INT_DIR R_INT_DIR <<<"$result"
  note_status interactions-staged-in-directory "$S_INT_DIR"
  echo "  interactions, staged files in a directory: $ROWS rows in ${T_INT_DIR}s ($S_INT_DIR, $W_INT_DIR written) = $(rate "$ROWS" "$T_INT_DIR") rows/s"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

  pg postgres -c 'CREATE DATABASE intake_latency'
  INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake_latency" status_latency latency

  echo "== psql \\copy baseline (same CSVs, bare typed tables without keys or indexes, database baseline)"
  # psql_copy TABLE COLUMNS FILE ROWS: times \copy of FILE into a fresh TABLE(COLUMNS); prints seconds.
  psql_copy() {
    local start elapsed count
    pg baseline -c "DROP TABLE IF EXISTS $1" -c "CREATE TABLE $1 ($2)"
    settle baseline
    start=$(now)
    pg baseline -c "\\copy $1 FROM '$3' WITH (FORMAT csv, HEADER true)" >/dev/null
    elapsed=$(since "$start")
    count=$(pg baseline -Atc "SELECT count(*) FROM $1")
    [ "$count" = "$4" ] || { echo "psql \\copy loaded $count rows of $4 into $1" >&2; exit 1; }
    echo "$elapsed"
  }
  T_COPY_INT=$(psql_copy interactions "type text, source_id text, target_id text, timestamp timestamptz, metadata jsonb" "$INTERACTIONS" "$ROWS")
  echo "  interactions: $ROWS rows in ${T_COPY_INT}s = $(rate "$ROWS" "$T_COPY_INT") rows/s"
  T_COPY_ENT=$(psql_copy entities "id text, type text, name text, metadata jsonb, media_url text" "$ENTITIES" "$ENTITY_ROWS")
  echo "  entities:     $ENTITY_ROWS rows in ${T_COPY_ENT}s = $(rate "$ENTITY_ROWS" "$T_COPY_ENT") rows/s"

  echo "== summary"
  echo "  PostgreSQL with fsync=off and synchronous_commit=off, shared by Intake and psql (disposable server; fair comparison)"
  echo "  Intake vs psql \\copy into a bare table, interactions: $(ratio "$T_COPY_INT" "$T_INT")x (must be >= 0.8)"
  echo "    with staged files in a directory (Postgres:StagedFiles=directory): $(ratio "$T_COPY_INT" "$T_INT_DIR")x"
  echo "  Intake vs psql \\copy into a bare table, entities:     $(ratio "$T_COPY_ENT" "$T_ENT")x (for information: Intake also dedupes ids)"
fi
echo "  tenth import / first import: $(ratio "$LAST" "$FIRST") (must be <= 1.5)"
RSS_OF="server"; [ "$STORE" = postgres ] && RSS_OF="intake serve (PostgreSQL's own not counted)"
echo "  $RSS_OF peak RSS: $((PEAK_KB / 1024)) MB (must be < 300)"
[ -z "$NOT_COMPLETED" ] || echo "  NOT A MEASUREMENT: these imports failed or were canceled:$NOT_COMPLETED (see $OUT/server.log)"
