#!/usr/bin/env bash
# What the data-quality report costs a load (issue 9: within 10% of the load's time on the 2M-row bench file).
#   bench/quality.sh [ROWS]              SQLite (default 2,000,000 interactions)
#   bench/quality.sh --postgres [ROWS]   PostgreSQL: a throwaway server from .ci/postgres.sh
# Runs twice, with load reports off (Quality:LoadReports=false) and on, on fresh data. Loads the bench entities (ROWS/4) and then the bench interactions into one dataset, so the interaction load
# checks every event against the stored entity ids, then loads the entities again (cold entities checked against
# the stored interactions). For each load prints the time from upload to final status, and the time the load
# spent on its quality report (reading the other kind's ids, counting records, building the report: the load's
# own "quality report N s" figure in its job history). Then times GET /v1/imports/{id}/quality and the on-demand
# GET /v1/datasets/{id}/quality over the whole dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
STORE=sqlite
if [ "${1:-}" = --postgres ]; then STORE=postgres; shift; fi
ROWS=${1:-2000000}
OUT=${BENCH_OUT:-bench/out}
PORT=${PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
ENTITY_ROWS=$((ROWS / 4))
[ -f "$OUT/interactions-$ROWS.csv" ] || bench/generate.sh interactions "$ROWS" "$OUT/interactions-$ROWS.csv"
[ -f "$OUT/entities-$ENTITY_ROWS.csv" ] || bench/generate.sh entities "$ENTITY_ROWS" "$OUT/entities-$ENTITY_ROWS.csv"


dotnet build src/Intake.Server -c Release -v quiet -nologo >/dev/null
DATA=$(mktemp -d)
cleanup_on_exit
if [ "$STORE" = postgres ]; then
  PG_DIR=$(mktemp -u -d)
  export INTAKE_Storage__Provider=Postgres
  INTAKE_Storage__ConnectionString="$(.ci/postgres.sh start "$PG_DIR")"
  export INTAKE_Storage__ConnectionString
fi
start_server() {
  rm -rf "$DATA/$1"; mkdir -p "$DATA/$1"
  INTAKE_Quality__LoadReports=$1 INTAKE_Storage__DataDirectory="$DATA/$1" INTAKE_Logging__LogLevel__Default=Warning \
    artifacts/bin/Intake.Server/release/Intake.Server serve --urls "$BASE" > "$OUT/quality-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

TICKS=$(getconf CLK_TCK)
cpu() { awk -v t="$TICKS" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$SERVER_PID/stat"; }
load() {
  local dataset=$1 file=$2 start body id status job cpu0
  start=$(now)
  cpu0=$(cpu)
  body=$(curl -sS --fail-with-body -X POST -H 'Content-Type: text/csv' --data-binary "@$file" "$BASE/v1/datasets/$dataset/imports")
  id=$(echo "$body" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  while true; do
    body=$(curl -sS --fail-with-body "$BASE/v1/imports/$id")
    status=$(echo "$body" | sed 's/.*"status":"\([a-z_]*\)".*/\1/')
    case "$status" in completed|completed_with_errors|failed|canceled) break ;; esac
    sleep 0.05
  done
  ELAPSED=$(since "$start")
  CPU=$(awk -v a="$cpu0" -v b="$(cpu)" 'BEGIN { printf "%.2f", b - a }')
  job=$(echo "$body" | sed 's/.*"dataset_load":"\([^"]*\)".*/\1/')
  SPENT=$(curl -sS "$BASE/v1/jobs/$job" | grep -o 'quality report [0-9.]* s' | tail -1 | grep -o '[0-9.]*')
  LAST=$id
  echo "    $(basename "$file"): $status in ${ELAPSED}s, server CPU ${CPU}s (the report's own time: ${SPENT}s)"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", 100 * (a - b) / b }'; }

# Reports off, then on, on fresh data each time: the same three loads into one dataset ("on" minus "off" is the cost).
declare -A T C
for reports in false true; do
  echo "== $STORE, load reports $reports"
  start_server "$reports"
  q=q-$reports  # one PostgreSQL database serves both runs
  curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$q\",\"name\":\"$q\"}" "$BASE/v1/datasets" >/dev/null
  load "$q" "$OUT/entities-$ENTITY_ROWS.csv"; T[$reports,entities]=$ELAPSED; C[$reports,entities]=$CPU
  load "$q" "$OUT/interactions-$ROWS.csv"; T[$reports,interactions]=$ELAPSED; C[$reports,interactions]=$CPU; INTERACTIONS_ID=$LAST
  load "$q" "$OUT/entities-$ENTITY_ROWS.csv"; T[$reports,again]=$ELAPSED; C[$reports,again]=$CPU
  if [ "$reports" = true ]; then
    start=$(now); curl -sS --fail-with-body "$BASE/v1/imports/$INTERACTIONS_ID/quality" > "$OUT/quality-import.json"
    echo "    GET /v1/imports/{id}/quality: $(since "$start")s"
    start=$(now); curl -sS --fail-with-body "$BASE/v1/datasets/$q/quality" > "$OUT/quality-dataset.json"
    echo "    GET /v1/datasets/$q/quality ($((ROWS + ENTITY_ROWS)) records): $(since "$start")s"
    echo "    peak RSS of the server: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)"
  fi
  stop_server
done
# Wall time on a shared machine moves with whatever else runs; the server's CPU time much less so.
echo "== cost of the load reports (on vs off): wall time, then the server's CPU time"
for load in entities interactions again; do
  case $load in entities) what="entities into an empty dataset" ;; interactions) what="$ROWS interactions (vs $ENTITY_ROWS entities)" ;;
    again) what="entities again (vs $ROWS interactions)" ;; esac
  printf '  %-45s %6ss vs %6ss %8s | CPU %6ss vs %6ss %8s\n' "$what" "${T[true,$load]}" "${T[false,$load]}" "$(pct "${T[true,$load]}" "${T[false,$load]}")" \
    "${C[true,$load]}" "${C[false,$load]}" "$(pct "${C[true,$load]}" "${C[false,$load]}")"
done
