#!/usr/bin/env bash
# End-to-end import benchmark against sqlite3's own .import of the same file, in the same run.
#   bench/import.sh [ROWS]          (default 2,000,000 interactions; env TEN_ROWS sets the ten-imports size, default 200,000)
# Prints rows/s for Intake and the baselines, their ratios, parse MB/s, the server's peak RSS, and the
# ratio of the tenth to the first of ten imports into one dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-2000000}
TEN_ROWS=${TEN_ROWS:-200000}
OUT=${BENCH_OUT:-bench/out}
PORT=${PORT:-5099}
BASE="http://127.0.0.1:$PORT"
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed for the baseline: apt-get install -y sqlite3" >&2; exit 1; }
mkdir -p "$OUT"

now() { date +%s.%N; }
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
dotnet build src/Intake.Server -c Release -v quiet -nologo >/dev/null
dotnet build bench/Intake.Benchmarks -c Release -v quiet -nologo >/dev/null

echo "== parsing alone (one core, from memory)"
dotnet artifacts/bin/Intake.Benchmarks/release/Intake.Benchmarks.dll parse "$INTERACTIONS" | sed 's/^/  /'

DATA=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
INTAKE_Storage__DataDirectory="$DATA/intake" INTAKE_Logging__LogLevel__Default=Warning \
  artifacts/bin/Intake.Server/release/intake serve --urls "$BASE" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done

# Uploads a file, waits for a final status; prints "seconds status written rejected".
import_file() {
  local dataset=$1 file=$2 start id body status
  start=$(now)
  id=$(curl -sf -X POST -H 'Content-Type: text/csv' --data-binary "@$file" "$BASE/v1/datasets/$dataset/imports" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  while true; do
    body=$(curl -sf "$BASE/v1/imports/$id")
    status=$(echo "$body" | sed 's/.*"status":"\([a-z_]*\)".*/\1/')
    case "$status" in completed|completed_with_errors|failed|canceled) break ;; esac
    sleep 0.05
  done
  local end written rejected
  end=$(now)
  written=$(echo "$body" | sed 's/.*"records_written":\([0-9]*\).*/\1/')
  rejected=$(echo "$body" | sed 's/.*"records_rejected":\([0-9]*\).*/\1/')
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') $status $written $rejected"
}

create() { curl -sf -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$1\",\"name\":\"$1\"}" "$BASE/v1/datasets" >/dev/null; }

echo "== Intake (SQLite), upload to completed"
create interactions; create entities; create ten
read -r T_INT S_INT W_INT R_INT <<<"$(import_file interactions "$INTERACTIONS")"
echo "  interactions: $ROWS rows in ${T_INT}s ($S_INT, $W_INT written, $R_INT rejected) = $(rate "$ROWS" "$T_INT") rows/s"
read -r T_ENT S_ENT W_ENT R_ENT <<<"$(import_file entities "$ENTITIES")"
echo "  entities:     $ENTITY_ROWS rows in ${T_ENT}s ($S_ENT, $W_ENT written, $R_ENT rejected) = $(rate "$ENTITY_ROWS" "$T_ENT") rows/s"

echo "== ten imports of $TEN_ROWS rows into one dataset"
FIRST=; LAST=
for p in $(seq 0 9); do
  read -r T S W R <<<"$(import_file ten "$OUT/ten-$TEN_ROWS-$p.csv")"
  [ -z "$FIRST" ] && FIRST=$T
  LAST=$T
  echo "  import $((p + 1)): ${T}s ($S, $W written)"
done
PEAK_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

echo "== sqlite3 .import baseline (same CSV)"
sqlite_import() {
  local db="$DATA/$1.db" start end
  rm -f "$db"
  sqlite3 "$db" "$2"
  start=$(now)
  sqlite3 "$db" ".import --csv --skip 1 $INTERACTIONS t"
  end=$(now)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}
T_BARE=$(sqlite_import bare "CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT);")
echo "  bare table:  ${T_BARE}s = $(rate "$ROWS" "$T_BARE") rows/s"
T_KEYED=$(sqlite_import keyed "CREATE TABLE t(type TEXT, source_id TEXT, target_id TEXT, timestamp TEXT, metadata TEXT, UNIQUE(type, source_id, target_id, timestamp));")
echo "  unique key:  ${T_KEYED}s = $(rate "$ROWS" "$T_KEYED") rows/s"

echo "== summary"
echo "  Intake vs sqlite3 .import into the keyed table: $(ratio "$T_KEYED" "$T_INT")x (must be >= 1.0)"
echo "  Intake vs sqlite3 .import into the bare table:  $(ratio "$T_BARE" "$T_INT")x (goal >= 1.0)"
echo "  tenth import / first import: $(ratio "$LAST" "$FIRST") (must be <= 1.5)"
echo "  server peak RSS: $((PEAK_KB / 1024)) MB (must be < 300)"
