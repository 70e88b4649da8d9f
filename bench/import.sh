#!/usr/bin/env bash
# End-to-end import benchmark against the store's own bulk loader of the same file, in the same run (issue 8).
#   bench/import.sh [ROWS]              SQLite: against sqlite3's .import (default 2,000,000 interactions)
#   bench/import.sh --postgres [ROWS]   PostgreSQL (or STORE=postgres): starts a throwaway server with .ci/postgres.sh,
#                                       runs Intake on databases of it and times psql of the same CSVs in another
#   bench/import.sh --latency [--postgres] [ROWS]   only the status-poll latency (idle and during the ROWS-row load)
# env: RUNS (3) runs of the ROWS-row figures, each reported as the median; TEN_ROWS (1,000,000) the size of each of
# ten imports into one dataset; SCALE ("500000 10000000") the other sizes of the scaling table; BENCH_OUT (bench/out)
# the generated files; RESULTS (bench/results) where the report goes; LATENCY_RATE (250/s) and LATENCY_MIN (2000) the
# status polls of the latency measurement.
# Prints rows/s for Intake and the baselines and their ratios, parse MB/s against Sep, a scaling table (rows/s and
# peak RSS by file size, and the gzipped NDJSON form), and the tenth/first ratio of ten imports. Everything printed
# also goes to RESULTS/<date>-<store>.md with the machine's cores, memory and versions; bench/readme-table.sh
# rebuilds the README's performance table from those files. A missed target prints a `MISSED` line and the script
# exits 1.
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
RUNS=${RUNS:-3}
TEN_ROWS=${TEN_ROWS:-1000000}
SCALE=${SCALE:-500000 10000000}
OUT=${BENCH_OUT:-bench/out}
RESULTS=${RESULTS:-bench/results}
LATENCY_RATE=${LATENCY_RATE:-250}
LATENCY_MIN=${LATENCY_MIN:-2000}
# A free port unless PORT is given.
. bench/lib.sh
PORT=${PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT" "$RESULTS"
LOG=$(mktemp)
FACTS=$(mktemp)   # "key value" lines: the figures the summary and the results file are made of

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
fact() { echo "$1 $2" >> "$FACTS"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$FACTS"; }
mb() { awk -v b="$(stat -L -c %s "$1")" 'BEGIN { printf "%.0f", b / 1e6 }'; }

machine() {
  echo "== machine"
  echo "  $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -m | awk '/Mem:/ { print $2 }') MB memory, $(uname -sr)"
  echo "  load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: ratios in one run are the figures to compare)"
  echo "  .NET SDK $(dotnet --version), Intake $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (modified)')"
  if [ "$STORE" = sqlite ]; then echo "  sqlite3 $(sqlite3 --version | cut -d' ' -f1)"; else echo "  psql $(psql --version | awk '{ print $3 }')"; fi
}

# The files: interactions of every size (the 10M one is the ten 1M parts end to end when the sizes match), entities
# (a quarter of ROWS, about 1% repeated ids), and the gzipped NDJSON form of the ROWS-row interactions.
data() {
  echo "== data"
  local p size
  for p in $(seq 0 9); do
    [ -f "$OUT/ten-$TEN_ROWS-$p.csv" ] || bench/generate.sh interactions "$TEN_ROWS" "$OUT/ten-$TEN_ROWS-$p.csv" "$p"
  done
  head -n 20001 "$OUT/ten-$TEN_ROWS-9.csv" > "$OUT/warmup-interactions.csv"
  for size in $ROWS $SCALE; do
    [ -f "$OUT/interactions-$size.csv" ] && continue
    if [ "$size" = $((TEN_ROWS * 10)) ]; then
      { head -1 "$OUT/ten-$TEN_ROWS-0.csv"; for p in $(seq 0 9); do tail -n +2 "$OUT/ten-$TEN_ROWS-$p.csv"; done; } > "$OUT/interactions-$size.csv"
    else
      bench/generate.sh interactions "$size" "$OUT/interactions-$size.csv"
    fi
  done
  ENTITY_ROWS=$((ROWS / 4))
  [ -f "$OUT/entities-$ENTITY_ROWS.csv" ] || bench/generate.sh entities "$ENTITY_ROWS" "$OUT/entities-$ENTITY_ROWS.csv"
  head -n 5001 "$OUT/entities-$ENTITY_ROWS.csv" > "$OUT/warmup-entities.csv"
  INTERACTIONS="$OUT/interactions-$ROWS.csv"
  ENTITIES="$OUT/entities-$ENTITY_ROWS.csv"
  NDJSON_GZ="$OUT/interactions-$ROWS.ndjson.gz"
  # type,source_id,target_id,timestamp,"{...}" (the generator's metadata is the only quoted field) to one JSON object a line.
  [ -f "$NDJSON_GZ" ] || awk 'NR > 1 {
      line = $0
      for (k = 1; k <= 4; k++) { p = index(line, ","); f[k] = substr(line, 1, p - 1); line = substr(line, p + 1) }
      m = substr(line, 2, length(line) - 2); gsub(/""/, "\"", m)
      printf "{\"type\":\"%s\",\"source_id\":\"%s\",\"target_id\":\"%s\",\"timestamp\":\"%s\",\"metadata\":%s}\n", f[1], f[2], f[3], f[4], m
    }' "$INTERACTIONS" | gzip -6 > "$NDJSON_GZ"
  for f in "$INTERACTIONS" "$ENTITIES" "$NDJSON_GZ" $(for size in $SCALE; do echo "$OUT/interactions-$size.csv"; done); do
    echo "  $(stat -L -c %s "$f") bytes  $f"
  done
}

build() {
  local log
  log=$(dotnet build "$1" -c Release -v quiet -nologo 2>&1) || { echo "$log" | grep -E ' error ' | sort -u >&2; echo "the build of $1 failed" >&2; exit 1; }
}

# Parsing alone, on one core from memory, against Sep on the same bytes (median of five inside the tool).
parsing() {
  echo "== parsing alone (one core, from memory; median of five)"
  local out
  out=$(dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll parse "$INTERACTIONS")
  echo "$out" | sed 's/^/  /'
  fact parse_scan "$(echo "$out" | awk '/field scan \(Intake\)/ { print $(NF - 3) }')"
  fact parse_scan_sep "$(echo "$out" | awk '/field scan \(Sep/ { print $(NF - 3) }')"
  fact parse_validate "$(echo "$out" | awk '/parse\+validate/ { print $(NF - 3) }')"
}

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

# settle DB: before a timed run, let the previous run's leftovers (dead rows, unset hint bits, dirty buffers,
# dirty OS pages: the server runs with fsync=off) be written now instead of billed to the next run.
# SQLite mode: a load's pages are copied from the WAL into the database by a background checkpoint after its commit;
# wait until the server is idle (under 0.02 s of CPU in half a second, at most 30 s) and sync, so that copy is not
# billed to the next timed import.
settle() {
  local before
  if [ -n "${SERVER_PID:-}" ]; then
    for _ in $(seq 1 60); do
      before=$(server_cpu); sleep 0.5
      awk -v a="$before" -v b="$(server_cpu)" 'BEGIN { exit !(b - a < 0.02) }' && break
    done
  fi
  sync
}
INTAKE_DB=
postgres_server() {
  echo "== PostgreSQL (throwaway server from .ci/postgres.sh)"
  PG_DIR=$(mktemp -d)
  .ci/postgres.sh start "$PG_DIR" >/dev/null 2>"$DATA/postgres-start.log" || { cat "$DATA/postgres-start.log" >&2; exit 1; }
  PG_PORT=$(cat "$PG_DIR/port")
  pg() { local db=$1; shift; PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"; }
  settle() { pg "$1" -c 'VACUUM' -c 'CHECKPOINT' && sync; }
  pg postgres -c 'CREATE DATABASE baseline'
  echo "  PostgreSQL $(pg postgres -Atc 'SHOW server_version') on 127.0.0.1:$PG_PORT," \
    "fsync=$(pg postgres -Atc 'SHOW fsync') synchronous_commit=$(pg postgres -Atc 'SHOW synchronous_commit')" \
    "shared_buffers=$(pg postgres -Atc 'SHOW shared_buffers')"
  echo "  a disposable server's settings; Intake (databases intake_*) and psql (database baseline) share it, so the comparison is fair"
  export INTAKE_Storage__Provider=Postgres
}

# fresh_store NAME: what the next server starts on: a new data directory (SQLite) or a new database (PostgreSQL,
# whose statements over 250 ms go to the server log, kept as $OUT/postgres.log).
fresh_store() {
  STORE_NAME=$1
  if [ "$STORE" = postgres ]; then
    INTAKE_DB="intake_$1"
    pg postgres -c "CREATE DATABASE $INTAKE_DB" -c "ALTER DATABASE $INTAKE_DB SET log_min_duration_statement = 250"
    export INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$INTAKE_DB"
  fi
}

# start_server: starts intake serve on the store fresh_store chose, with the exported settings, and warms it up
# with a 20,000-row interactions and a 5,000-row entities import into a dataset of their own, so the timed imports
# measure a running server rather than its JIT.
start_server() {
  if ss -ltnH "sport = :$PORT" 2>/dev/null | grep -q .; then echo "port $PORT is taken by another process; set PORT" >&2; exit 1; fi
  INTAKE_Storage__DataDirectory="$DATA/$STORE_NAME" INTAKE_Logging__LogLevel__Default=Warning \
    artifacts/bin/Intake.Server/release/Intake.Server serve --urls "$BASE" > "$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "$BASE/ready" >/dev/null && kill -0 "$SERVER_PID" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "intake serve exited; $OUT/server.log:" >&2; tail -n 20 "$OUT/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "intake serve did not get ready; $OUT/server.log:" >&2; tail -n 20 "$OUT/server.log" >&2; exit 1
}
warm_up() {
  create warmup-interactions; create warmup-entities
  import_file warmup-interactions "$OUT/warmup-interactions.csv" >/dev/null
  import_file warmup-entities "$OUT/warmup-entities.csv" >/dev/null
}

# server_cpu: the server process's CPU seconds so far (user + system, all threads). On a shared machine the CPU an
# import costs is steadier than its wall time.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }

# stop_server: stops it (in this shell, so its port is free when it returns), drops its store, and sets RSS_MB to
# its peak RSS.
stop_server() {
  local kb
  kb=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  if [ "$STORE" = postgres ]; then pg postgres -c "DROP DATABASE $INTAKE_DB" >&2; else rm -rf "${DATA:?}/$STORE_NAME"; fi
  RSS_MB=$((kb / 1024))
}

# Uploads a file, waits for a final status; prints "seconds status written rejected". A request that fails
# prints the server's answer to stderr and returns 1, so the caller's assignment stops the run.
# Extra curl arguments (headers) follow the file; the default is a CSV body.
import_file() {
  local dataset=$1 file=$2 start id body status
  shift 2
  [ $# -gt 0 ] || set -- -H 'Content-Type: text/csv'
  start=$(now)
  # -T streams the file as it sends it, as psql's \copy and sqlite3's .import read theirs; --data-binary @file would
  # first read the whole file into curl's memory (about 0.2 s for 191 MB, billed to Intake).
  body=$(curl -sS --fail-with-body -X POST "$@" -T "$file" "$BASE/v1/datasets/$dataset/imports") \
    || { echo "upload of $file failed: $body" >&2; return 1; }
  id=$(echo "$body" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  # Waits on the import's event stream, as Intake's client and CLI do: the server sends the final status as the job ends
  # and closes the stream. Polling GET /v1/imports/{id} every 50 ms instead ran three processes a poll on the two cores
  # under test: a 500K-entity load read for 1.02-1.14 s under it against 0.70-0.89 s without (ADR 2, round seven).
  body=$(curl -sS --fail-with-body -N --max-time 7200 "$BASE/v1/imports/$id/events" | sed -n '/^event: final$/{n;s/^data: //p;}') \
    || { echo "the event stream of import $id failed: $body" >&2; return 1; }
  local elapsed written rejected
  elapsed=$(since "$start")
  [ -n "$body" ] || { echo "the event stream of import $id ended without its final event" >&2; return 1; }
  status=$(echo "$body" | sed 's/.*"status":"\([a-z_]*\)".*/\1/')
  written=$(echo "$body" | sed 's/.*"records_written":\([0-9]*\).*/\1/')
  rejected=$(echo "$body" | sed 's/.*"records_rejected":\([0-9]*\).*/\1/')
  echo "$elapsed $status $written $rejected $(load_phases "$body")"
}

# load_phases IMPORT_JSON: "READING COMMITTING", the seconds the load spent reading the file (parse, validate, stage)
# and merging and committing, from the load job's final history entry ("- -" if it has none).
load_phases() {
  local job phases
  job=$(echo "$1" | sed -n 's/.*"dataset_load":"\([^"]*\)".*/\1/p')
  phases=$([ -n "$job" ] && curl -sS "$BASE/v1/jobs/$job" | grep -o 'reading [0-9.]* s, committing [0-9.]* s' | tail -1)
  if [ -n "$phases" ]; then echo "$phases" | awk '{ print $2, $5 }'; else echo "- -"; fi
}

create() {
  local body
  body=$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$1\",\"name\":\"$1\"}" "$BASE/v1/datasets") \
    || { echo "creating dataset $1 failed: $body" >&2; exit 1; }
}

# The imports that failed or were canceled: their times do not measure an import.
NOT_COMPLETED=
note_status() { case "$2" in completed|completed_with_errors) ;; *) NOT_COMPLETED="$NOT_COMPLETED $1($2)" ;; esac; }

# timed_import LABEL DATASET FILE ROWS [curl args]: imports into a new dataset (AGAIN=1: into the existing one), prints
# a line, sets T (seconds).
timed_import() {
  local label=$1 dataset=$2 file=$3 rows=$4 result S W R RD CM
  shift 4
  [ -n "${AGAIN:-}" ] || create "$dataset"
  settle "$INTAKE_DB"
  local cpu_before
  cpu_before=$(server_cpu)
  result=$(import_file "$dataset" "$file" "$@")
  read -r T S W R RD CM <<<"$result"
  note_status "$label" "$S"
  echo "  Intake $label: $rows rows in ${T}s ($S, $W written, $R rejected; load reading ${RD}s, merging and committing ${CM}s;" \
    "$(awk -v a="$cpu_before" -v b="$(server_cpu)" 'BEGIN { printf "%.2f", b - a }') s of the server's CPU) = $(rate "$rows" "$T") rows/s"
}

# --- baselines: the store's own loader of the same CSV; each prints the seconds it took.
sqlite_import() { # NAME CREATE_TABLE FILE
  local db="$DATA/$1.db" start
  rm -f "$db"
  sqlite3 "$db" "$2"
  start=$(now)
  /usr/bin/time -f '%U %S' -o "$DATA/cpu" sqlite3 "$db" ".import --csv --skip 1 $3 t"
  since "$start"
  echo "  (sqlite3 .import into $1: $(awk '{ printf "%.2f", $1 + $2 }' "$DATA/cpu") s of CPU)" >&2
  rm -f "$db"
}
SQLITE_BARE="CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT);"
SQLITE_KEYED="CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT, UNIQUE(type, source_id, target_id, timestamp));"
# The table's conflict clause makes .import's plain INSERT an INSERT OR REPLACE: the last row of an id wins, as in Intake.
SQLITE_ENTITY_KEYED="CREATE TABLE t(id TEXT PRIMARY KEY ON CONFLICT REPLACE, type TEXT, name TEXT, metadata TEXT, media_url TEXT);"

PG_INTERACTION_COLUMNS="type text, source_id text, target_id text, timestamp timestamptz, metadata jsonb"
PG_ENTITY_COLUMNS="id text, type text, name text, metadata jsonb, media_url text"
# psql_copy TABLE COLUMNS FILE ROWS: \copy of FILE into a fresh bare TABLE(COLUMNS), no keys or indexes.
psql_copy() {
  local start elapsed count
  pg baseline -c "DROP TABLE IF EXISTS $1" -c "CREATE TABLE $1 ($2)"
  settle baseline
  start=$(now)
  pg baseline -c "\\copy $1 FROM '$3' WITH (FORMAT csv, HEADER true)" >/dev/null
  elapsed=$(since "$start")
  count=$(pg baseline -Atc "SELECT count(*) FROM $1")
  [ "$count" = "$4" ] || { echo "psql \\copy loaded $count rows of $4 into $1" >&2; exit 1; }
  pg baseline -c "DROP TABLE $1"
  echo "$elapsed"
}
# psql_entity_upsert FILE: the hand-written load a DBA would write, in one transaction: \copy into a temporary
# staging table (numbered in file order), then one INSERT … SELECT DISTINCT ON (id) … ON CONFLICT (id) DO UPDATE,
# the last row of an id winning, into a table keyed on id.
psql_entity_upsert() {
  local start elapsed
  pg baseline -c "DROP TABLE IF EXISTS entities_keyed" -c "CREATE TABLE entities_keyed ($PG_ENTITY_COLUMNS, PRIMARY KEY (id))"
  settle baseline
  start=$(now)
  pg baseline >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE staging (n bigint GENERATED ALWAYS AS IDENTITY, $PG_ENTITY_COLUMNS) ON COMMIT DROP;
\\copy staging (id, type, name, metadata, media_url) FROM '$1' WITH (FORMAT csv, HEADER true)
INSERT INTO entities_keyed (id, type, name, metadata, media_url)
SELECT DISTINCT ON (id) id, type, name, metadata, media_url FROM staging ORDER BY id, n DESC
ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name, metadata = excluded.metadata, media_url = excluded.media_url;
COMMIT;
SQL
  elapsed=$(since "$start")
  echo "  (the DBA's load kept $(pg baseline -Atc 'SELECT count(*) FROM entities_keyed') distinct ids)" >&2
  pg baseline -c "DROP TABLE entities_keyed"
  echo "$elapsed"
}
bare_baseline() { # FILE ROWS: the bare-table baseline of an interactions file
  if [ "$STORE" = sqlite ]; then sqlite_import bare "$SQLITE_BARE" "$1"; else psql_copy interactions "$PG_INTERACTION_COLUMNS" "$1" "$2"; fi
}

# The ROWS-row figures, RUNS times, Intake and the baselines taking turns; each figure is the median.
headline() {
  echo "== $ROWS interactions and $ENTITY_ROWS entities, $RUNS runs (Intake on a fresh server and store each run)"
  local r ti=() te=() tea=() tb=() tk=() tee=() tce=() rss=()
  for r in $(seq 1 "$RUNS"); do
    echo "-- run $r"
    fresh_store "run$r"; start_server; warm_up
    timed_import interactions "interactions" "$INTERACTIONS" "$ROWS"; ti+=("$T")
    timed_import entities "entities" "$ENTITIES" "$ENTITY_ROWS"; te+=("$T")
    if [ "$STORE" = postgres ]; then # for information: the first load is the target's; a later one merges into stored keys
      AGAIN=1 timed_import "entities again (every key stored)" "entities" "$ENTITIES" "$ENTITY_ROWS"; tea+=("$T")
    fi
    stop_server; rss+=("$RSS_MB")
    tb+=("$(bare_baseline "$INTERACTIONS" "$ROWS")")
    if [ "$STORE" = sqlite ]; then
      echo "  sqlite3 .import, bare table: ${tb[-1]}s = $(rate "$ROWS" "${tb[-1]}") rows/s"
      if [ "$r" = 1 ]; then # the older target's baseline, no target now: once, it takes minutes
        tk+=("$(sqlite_import keyed "$SQLITE_KEYED" "$INTERACTIONS")")
        echo "  sqlite3 .import, table with the interaction key: ${tk[-1]}s = $(rate "$ROWS" "${tk[-1]}") rows/s"
      fi
      tee+=("$(sqlite_import entities "$SQLITE_ENTITY_KEYED" "$ENTITIES")")
      echo "  sqlite3 .import, entities keyed on id (INSERT OR REPLACE): ${tee[-1]}s = $(rate "$ENTITY_ROWS" "${tee[-1]}") rows/s"
    else
      echo "  psql \\copy, bare typed table: ${tb[-1]}s = $(rate "$ROWS" "${tb[-1]}") rows/s"
      tce+=("$(psql_copy entities "$PG_ENTITY_COLUMNS" "$ENTITIES" "$ENTITY_ROWS")")
      echo "  psql \\copy, entities into a bare table: ${tce[-1]}s = $(rate "$ENTITY_ROWS" "${tce[-1]}") rows/s"
      tee+=("$(psql_entity_upsert "$ENTITIES")")
      echo "  psql, entities the DBA's way (\\copy to staging, DISTINCT ON, ON CONFLICT DO UPDATE): ${tee[-1]}s = $(rate "$ENTITY_ROWS" "${tee[-1]}") rows/s"
    fi
  done
  fact int_s "$(median "${ti[@]}")"; fact ent_s "$(median "${te[@]}")"; fact bare_s "$(median "${tb[@]}")"
  fact ent_base_s "$(median "${tee[@]}")"; fact rss_$ROWS "$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)"
  [ "$STORE" = sqlite ] && fact keyed_s "$(median "${tk[@]}")"
  [ "$STORE" = postgres ] && fact ent_copy_s "$(median "${tce[@]}")" && fact ent_again_s "$(median "${tea[@]}")"
  echo "  medians: Intake interactions $(get int_s)s, entities $(get ent_s)s; bare baseline $(get bare_s)s; entity baseline $(get ent_base_s)s"
}

# Rows/s and peak RSS as the file grows: at each size RUNS rounds of one import on a fresh server and the bare-table
# baseline beside it, each figure the median of its rounds (as the ROWS-row figures are) and peak RSS the highest.
# One run at 10M against a median of three at 2M minutes earlier measured the machine's slow spells as much as the
# import: the same binary gave 0.94 and 0.67 an hour apart.
scaling() {
  echo "== scaling: at each size $RUNS rounds of one import on a fresh server and the bare-table baseline beside it"
  local size round
  for size in $SCALE; do
    local times=() bases=() peak=0
    for round in $(seq 1 "$RUNS"); do
      fresh_store "s${size}_$round"; start_server; warm_up
      timed_import "interactions-$size (round $round)" "scale" "$OUT/interactions-$size.csv" "$size"
      stop_server; times+=("$T"); [ "$RSS_MB" -gt "$peak" ] && peak=$RSS_MB
      bases+=("$(bare_baseline "$OUT/interactions-$size.csv" "$size")")
      echo "  baseline $size (round $round): ${bases[-1]}s = $(rate "$size" "${bases[-1]}") rows/s; Intake peak RSS $RSS_MB MB"
    done
    fact "int_s_$size" "$(median "${times[@]}")"; fact "rss_$size" "$peak"; fact "bare_s_$size" "$(median "${bases[@]}")"
    echo "  medians $size: Intake $(get "int_s_$size")s, baseline $(get "bare_s_$size")s; Intake peak RSS $peak MB"
  done
  fresh_store gz; start_server; warm_up
  timed_import "interactions-$ROWS.ndjson.gz" "gz" "$NDJSON_GZ" "$ROWS" -H 'Content-Type: application/x-ndjson' -H 'Content-Encoding: gzip'
  stop_server; fact gz_s "$T"; fact rss_gz "$RSS_MB"
  echo "  Intake peak RSS $(get rss_gz) MB"
}

# Ten imports of TEN_ROWS into one dataset (parts never share keys): the tenth against the first.
ten_imports() {
  echo "== ten imports of $TEN_ROWS rows into one dataset"
  local p first= last= total=0 result S W R RD CM
  fresh_store ten; start_server; warm_up
  create ten
  for p in $(seq 0 9); do
    settle "$INTAKE_DB"
    result=$(import_file ten "$OUT/ten-$TEN_ROWS-$p.csv")
    read -r T S W R RD CM <<<"$result"
    note_status "ten-$((p + 1))" "$S"
    [ -z "$first" ] && first=$T
    last=$T; total=$((total + W))
    echo "  import $((p + 1)): ${T}s ($S, $W written; reading ${RD}s, merging and committing ${CM}s) = $(rate "$TEN_ROWS" "$T") rows/s; the dataset now holds $total rows"
  done
  fact ten_first_s "$first"; fact ten_last_s "$last"; fact ten_total "$total"; stop_server; fact rss_ten "$RSS_MB"
}

# PostgreSQL only: the same file with staged files in a directory instead of the database (Postgres:StagedFiles),
# on a fresh database: the difference is what staging the upload in PostgreSQL costs.
staged_in_directory() {
  fresh_store dir
  INTAKE_Postgres__StagedFiles=directory start_server
  warm_up
  timed_import "interactions (staged files in a directory)" interactions "$INTERACTIONS" "$ROWS"
  fact int_dir_s "$T"; stop_server >/dev/null
}

# status_latency: the status poll (GET /v1/imports/{id}) timed from a second process, the benchmarks tool, at
# LATENCY_RATE requests/s: on an idle server, then while the interactions file loads (imported again into fresh
# datasets until LATENCY_MIN polls answered "processing"). A server and store of its own, apart from the timings.
status_latency() {
  echo "== status latency: GET /v1/imports/{id} at $LATENCY_RATE/s from a second process (target: p99 < 20 ms during the load)"
  fresh_store latency; start_server
  echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows in the figures)"
  dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll latency "$BASE" "$INTERACTIONS" "$LATENCY_RATE" "$LATENCY_MIN" | sed 's/^/  /'
  stop_server >/dev/null
}

# check NAME VALUE OP LIMIT: a target; a miss prints MISSED and makes the script exit 1.
MISSES=0
check() {
  if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !((op == ">=" && v >= l) || (op == "<=" && v <= l) || (op == "<" && v < l)) }'; then
    echo "  met:    $1: $2 (target $3 $4)"
  else
    echo "MISSED: $1: $2 (target $3 $4)"
    MISSES=$((MISSES + 1))
  fi
}

summary() {
  local name base_name ent_base_name
  if [ "$STORE" = sqlite ]; then
    name=SQLite; base_name="sqlite3 .import into a bare table"; ent_base_name="sqlite3 .import into a table keyed on id (INSERT OR REPLACE)"
  else
    name=PostgreSQL; base_name="psql \\copy into a bare typed table"; ent_base_name="psql \\copy to staging + INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE"
  fi
  local ent_rows=$ENTITY_ROWS size
  {
    echo "| $name | rows | seconds | rows/s | peak RSS |"
    echo "|---|---:|---:|---:|---:|"
    echo "| Intake, interactions (median of $RUNS) | $ROWS | $(get int_s) | $(rate "$ROWS" "$(get int_s)") | $(get "rss_$ROWS") MB |"
    echo "| $base_name | $ROWS | $(get bare_s) | $(rate "$ROWS" "$(get bare_s)") | |"
    [ "$STORE" = sqlite ] && echo "| sqlite3 .import into a table with the interaction key (one run) | $ROWS | $(get keyed_s) | $(rate "$ROWS" "$(get keyed_s)") | |"
    [ "$STORE" = postgres ] && echo "| Intake, interactions, staged files in a directory (one run) | $ROWS | $(get int_dir_s) | $(rate "$ROWS" "$(get int_dir_s)") | |"
    echo "| Intake, entities (median of $RUNS) | $ent_rows | $(get ent_s) | $(rate "$ent_rows" "$(get ent_s)") | |"
    echo "| $ent_base_name | $ent_rows | $(get ent_base_s) | $(rate "$ent_rows" "$(get ent_base_s)") | |"
    [ "$STORE" = postgres ] && echo "| Intake, entities again into the same dataset, every key stored (median of $RUNS; for information) | $ent_rows | $(get ent_again_s) | $(rate "$ent_rows" "$(get ent_again_s)") | |"
    [ "$STORE" = postgres ] && echo "| psql \\copy of the entities into a bare table | $ent_rows | $(get ent_copy_s) | $(rate "$ent_rows" "$(get ent_copy_s)") | |"
    echo
    echo "| scaling ($name) | Intake rows/s | baseline rows/s | Intake / baseline | Intake peak RSS |"
    echo "|---|---:|---:|---:|---:|"
    for size in $(printf '%s\n' $ROWS $SCALE | sort -n); do
      local ti tb
      if [ "$size" = "$ROWS" ]; then ti=$(get int_s); tb=$(get bare_s); else ti=$(get "int_s_$size"); tb=$(get "bare_s_$size"); fi
      echo "| $size rows, CSV ($(mb "$OUT/interactions-$size.csv") MB) | $(rate "$size" "$ti") | $(rate "$size" "$tb") | $(ratio "$tb" "$ti")x | $(get "rss_$size") MB |"
    done
    echo "| $ROWS rows, gzipped NDJSON ($(mb "$NDJSON_GZ") MB) | $(rate "$ROWS" "$(get gz_s)") | $(rate "$ROWS" "$(get bare_s)") (CSV) | $(ratio "$(get bare_s)" "$(get gz_s)")x | $(get rss_gz) MB |"
    echo
    echo "| ten imports of $TEN_ROWS rows into one dataset ($name) | |"
    echo "|---|---:|"
    echo "| first | $(get ten_first_s) s |"
    echo "| tenth (dataset at $(get ten_total) rows) | $(get ten_last_s) s |"
    echo "| tenth / first | $(ratio "$(get ten_last_s)" "$(get ten_first_s)") |"
    echo
    echo "| parsing, one core, median of five | MB/s per core |"
    echo "|---|---:|"
    echo "| Intake CSV field scan | $(get parse_scan) |"
    echo "| Sep 0.17.1 field scan | $(get parse_scan_sep) |"
    echo "| Intake CSV parse + validate | $(get parse_validate) |"
  } > "$DATA/summary.md"
  echo "== summary"
  cat "$DATA/summary.md"
  cp "$DATA/summary.md" "$SUMMARY"
  echo "== targets (issue 8)"
  if [ "$STORE" = sqlite ]; then
    check "Intake / sqlite3 .import into a bare table, interactions" "$(ratio "$(get bare_s)" "$(get int_s)")" ">=" 1.0
    check "Intake / sqlite3 .import keyed on id (INSERT OR REPLACE), entities" "$(ratio "$(get ent_base_s)" "$(get ent_s)")" ">=" 1.0
  else
    check "Intake / psql \\copy into a bare table, interactions, median of $RUNS" "$(ratio "$(get bare_s)" "$(get int_s)")" ">=" 0.9
    check "Intake / the DBA's staged upsert, entities, median of $RUNS" "$(ratio "$(get ent_base_s)" "$(get ent_s)")" ">=" 1.0
    echo "  (for information) the DBA's staged upsert / bare \\copy, entities: $(ratio "$(get ent_copy_s)" "$(get ent_base_s)")x; Intake / bare \\copy: $(ratio "$(get ent_copy_s)" "$(get ent_s)")x"
  fi
  local big
  big=$(printf '%s\n' $SCALE | sort -n | tail -1)
  [ "$big" -gt "$ROWS" ] && check "Intake rows/s at $big rows / at $ROWS rows" \
    "$(ratio "$(rate "$big" "$(get "int_s_$big")")" "$(rate "$ROWS" "$(get int_s)")")" ">=" 0.8
  for size in $ROWS $SCALE gz ten; do check "Intake peak RSS ($size), MB" "$(get "rss_$size")" "<" 300; done
  check "tenth / first of ten imports of $TEN_ROWS rows" "$(ratio "$(get ten_last_s)" "$(get ten_first_s)")" "<=" 1.5
  check "CSV parse+validate, MB/s per core (median of five)" "$(get parse_validate)" ">=" 300
  check "Intake's field scan / Sep's (the same fields from UTF-8)" "$(ratio "$(get parse_scan)" "$(get parse_scan_sep)")" ">=" 1.0
  if [ -n "$NOT_COMPLETED" ]; then
    echo "MISSED: NOT A MEASUREMENT: these imports failed or were canceled:$NOT_COMPLETED (see $OUT/server.log)"
    MISSES=$((MISSES + 1))
  fi
  echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$MISSES" -eq 0 ] || { echo "$MISSES target(s) missed"; exit 1; }
}

main() {
  set -euo pipefail
  trap cleanup EXIT
  machine
  data
  echo "== build (Release)"
  build src/Intake.Server
  build bench/Intake.Benchmarks
  if [ -n "$LATENCY_ONLY" ]; then
    [ "$STORE" = postgres ] && postgres_server
    status_latency
    return 0
  fi
  parsing
  [ "$STORE" = postgres ] && postgres_server
  headline
  scaling
  ten_imports
  status_latency
  [ "$STORE" = postgres ] && staged_in_directory
  summary
}

SUMMARY=$(mktemp)
set +e
main 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
REPORT="$RESULTS/$(date -u +%F)-$STORE$([ -z "$LATENCY_ONLY" ] || echo -latency).md"
{
  echo "# bench/import.sh $([ "$STORE" = postgres ] && echo '--postgres ')$ROWS, $(date -u '+%F %H:%M UTC')"
  echo
  echo "Exit status $status. Machine, versions and every line printed are in the log below."
  echo
  echo "## Summary"
  echo
  if [ -s "$SUMMARY" ]; then cat "$SUMMARY"; else echo "(the run stopped before its summary)"; fi
  echo
  echo "## Log"
  echo
  echo '```text'
  cat "$LOG"
  echo '```'
} > "$REPORT"
rm -f "$LOG" "$FACTS" "$SUMMARY"
echo "report: $REPORT"
exit "$status"
