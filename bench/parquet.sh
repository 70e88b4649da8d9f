#!/usr/bin/env bash
# Parquet in and out at full size, against the NDJSON export of the same dataset in the same run.
#   bench/parquet.sh [ROWS]              SQLite (default 2,000,000 interactions from bench/generate.sh)
#   bench/parquet.sh --postgres [ROWS]   PostgreSQL (or STORE=postgres), a throwaway server from .ci/postgres.sh
# Imports the CSV, then exports the dataset as NDJSON and as Parquet, timing each and taking the server's peak RSS
# during each export alone; DuckDB (an independent Parquet implementation) reads the Parquet export back and
# compares every row with the CSV. Then DuckDB writes the CSV as a typed Parquet file, which is imported, exported
# again as Parquet and compared the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
STORE=${STORE:-sqlite}
if [ "${1:-}" = --postgres ]; then STORE=postgres; shift; fi
ROWS=${1:-2000000}
OUT=${BENCH_OUT:-bench/out}
PORT=${PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT"

rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo "== data"
CSV="$OUT/interactions-$ROWS.csv"
[ -f "$CSV" ] || bench/generate.sh interactions "$ROWS" "$CSV"
echo "  $(stat -c %s "$CSV") bytes  $CSV"

echo "== build (Release)"
for project in src/Intake.Server bench/Intake.Benchmarks; do
  log=$(dotnet build "$project" -c Release -v quiet -nologo 2>&1) || { echo "$log" | grep -E ' error ' | sort -u >&2; exit 1; }
done
check() { dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll parquet "$@"; }

DATA=$(mktemp -d)
cleanup_on_exit

if [ "$STORE" = postgres ]; then
  PG_DIR=$(mktemp -d)
  .ci/postgres.sh start "$PG_DIR" >/dev/null 2>"$DATA/postgres-start.log" || { cat "$DATA/postgres-start.log" >&2; exit 1; }
  PG_PORT=$(cat "$PG_DIR/port")
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE intake'
  export INTAKE_Storage__Provider=Postgres
  export INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake"
fi

echo "== Intake ($STORE)"
INTAKE_Storage__DataDirectory="$DATA/intake" INTAKE_Logging__LogLevel__Default=Warning \
  artifacts/bin/Intake.Server/release/Intake.Server serve --urls "$BASE" > "$OUT/parquet-server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -sf "$BASE/ready" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "intake serve exited:" >&2; tail -n 20 "$OUT/parquet-server.log" >&2; exit 1; }
  sleep 0.1
done

# import DATASET FILE CONTENT_TYPE: prints "seconds status written".
import() {
  local start body id status
  curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$1\",\"name\":\"$1\"}" "$BASE/v1/datasets" >/dev/null
  start=$(now)
  body=$(curl -sS --fail-with-body -X POST -H "Content-Type: $3" --data-binary "@$2" "$BASE/v1/datasets/$1/imports")
  id=$(echo "$body" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  while true; do
    body=$(curl -sS --fail-with-body "$BASE/v1/imports/$id")
    status=$(echo "$body" | sed 's/.*"status":"\([a-z_]*\)".*/\1/')
    case "$status" in completed|completed_with_errors|failed|canceled) break ;; esac
    sleep 0.05
  done
  echo "$(since "$start") $status $(echo "$body" | sed 's/.*"records_written":\([0-9]*\).*/\1/')"
}

# export QUERY FILE: downloads an export; prints "seconds bytes peak_rss_kb" (the peak of the export alone:
# the kernel's high-water mark is reset just before it).
export_to() {
  local start
  echo 5 > "/proc/$SERVER_PID/clear_refs"
  start=$(now)
  curl -sS --fail -o "$2" "$BASE/v1/datasets/$1"
  echo "$(since "$start") $(stat -c %s "$2") $(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
}

read -r T S W <<<"$(import interactions "$CSV" text/csv)"
echo "  CSV import: $ROWS rows in ${T}s ($S, $W written) = $(rate "$ROWS" "$T") rows/s"

read -r T_ND B_ND P_ND <<<"$(export_to 'interactions/export?kind=interaction' "$DATA/export.ndjson")"
echo "  NDJSON export:  ${T_ND}s = $(rate "$ROWS" "$T_ND") rows/s, $(mb "$B_ND") MB, peak RSS $((P_ND / 1024)) MB"
read -r T_PQ B_PQ P_PQ <<<"$(export_to 'interactions/export?kind=interaction&format=parquet' "$DATA/export.parquet")"
echo "  Parquet export: ${T_PQ}s = $(rate "$ROWS" "$T_PQ") rows/s, $(mb "$B_PQ") MB, peak RSS $((P_PQ / 1024)) MB"
echo "  DuckDB reads the Parquet export back: $(check compare "$CSV" "$DATA/export.parquet")"

echo "== Parquet import (DuckDB writes the CSV as Parquet: TIMESTAMP column, metadata as text)"
check write "$CSV" "$DATA/interactions.parquet"
echo "  $(stat -c %s "$DATA/interactions.parquet") bytes"
echo 5 > "/proc/$SERVER_PID/clear_refs"
read -r T_IN S_IN W_IN <<<"$(import from-parquet "$DATA/interactions.parquet" application/vnd.apache.parquet)"
P_IN=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
echo "  Parquet import: $ROWS rows in ${T_IN}s ($S_IN, $W_IN written) = $(rate "$ROWS" "$T_IN") rows/s, peak RSS $((P_IN / 1024)) MB"
export_to 'from-parquet/export?kind=interaction&format=parquet' "$DATA/again.parquet" >/dev/null
echo "  its Parquet export against the CSV: $(check compare "$CSV" "$DATA/again.parquet")"
