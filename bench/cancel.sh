#!/usr/bin/env bash
# Cancel across a cluster (issue 10 item 5): two nodes on one throwaway PostgreSQL, a 2,000,000-row interactions load
# running on one, canceled through the other; the time from the cancel request to the canceled transition as the
# store recorded it (one clock: both nodes run on this machine), caught while the load reads its file and while it
# merges, RUNS times each. Every canceled dataset must hold nothing afterwards. Target: under 1 s.
#   bench/cancel.sh [ROWS]
# env: RUNS (5) per phase; BENCH_OUT (bench/out) the generated files (bench/import.sh makes them).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jq >/dev/null || { echo "jq is needed: apt-get install -y jq" >&2; exit 1; }
ROWS=${1:-2000000}
RUNS=${RUNS:-5}
OUT=${BENCH_OUT:-bench/out}
FILE="$OUT/interactions-$ROWS.csv"
[ -f "$FILE" ] || bench/generate.sh interactions "$ROWS" "$FILE"
[ -f "$OUT/warmup-interactions.csv" ] || head -n 20001 "$FILE" > "$OUT/warmup-interactions.csv"

. bench/lib.sh

WORK=$(mktemp -d)
PG_DIR=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  .ci/postgres.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  if [ -n "${KEEP_LOGS:-}" ]; then cp "$WORK"/node-*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg); Intake $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (modified)')"
log=$(dotnet build src/Intake.Server -c Release -v quiet -nologo 2>&1) || { echo "$log" | grep -E ' error ' | sort -u >&2; exit 1; }
.ci/postgres.sh start "$PG_DIR" >/dev/null 2>"$WORK/pg-start.log" || { cat "$WORK/pg-start.log" >&2; exit 1; }
PG_PORT=$(cat "$PG_DIR/port")
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE intake_cancel'

NODES=(node-a node-b)
BASES=()
for n in 0 1; do
  port=$(free_port)
  BASES+=("http://127.0.0.1:$port")
  INTAKE_Storage__Provider=Postgres INTAKE_Storage__DataDirectory="$WORK/${NODES[$n]}" \
    INTAKE_Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=intake_cancel" \
    INTAKE_Worker__NodeId="${NODES[$n]}" INTAKE_Logging__LogLevel__Default=Warning \
    artifacts/bin/Intake.Server/release/Intake.Server serve --urls "${BASES[$n]}" > "$WORK/${NODES[$n]}.log" 2>&1 &
  PIDS+=($!)
done
for n in 0 1; do
  for _ in $(seq 1 300); do curl -sf "${BASES[$n]}/ready" >/dev/null && break; sleep 0.1; done
  curl -sf "${BASES[$n]}/ready" >/dev/null || { echo "${NODES[$n]} did not get ready:" >&2; tail -20 "$WORK/${NODES[$n]}.log" >&2; exit 1; }
done
echo "== two nodes on PostgreSQL $(psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc 'SHOW server_version' | cut -d' ' -f1), cancel sent to the node not running the load"

api() { curl -sS --fail-with-body "$@"; }
create() { api -X POST -H 'Content-Type: application/json' -d "{\"id\":\"$2\",\"name\":\"$2\"}" "$1/v1/datasets" >/dev/null; }
upload() { api -X POST -H 'Content-Type: text/csv' --data-binary "@$3" "$1/v1/datasets/$2/imports" | jq -r .id; }
ms_now() { date +%s%3N; }

# Warm-up, not timed: each node loads a small file, so neither cancels through a cold JIT.
for n in 0 1; do
  create "${BASES[$n]}" "warmup-$n"
  id=$(upload "${BASES[$n]}" "warmup-$n" "$OUT/warmup-interactions.csv")
  until api "${BASES[$n]}/v1/imports/$id" | jq -e '.status | IN("queued", "processing") | not' >/dev/null; do sleep 0.05; done
done

# cancel_once PHASE RUN: prints "seconds runner canceler" or "missed: why".
cancel_once() {
  local phase=$1 dataset="c-$1-$2" id import job runner canceler requested at written
  create "${BASES[0]}" "$dataset"
  id=$(upload "${BASES[0]}" "$dataset" "$FILE")
  while true; do
    import=$(api "${BASES[0]}/v1/imports/$id")
    case "$(jq -r .status <<<"$import")" in
      queued) ;;
      processing)
        read=$(jq .progress.records_read <<<"$import")
        if [ "$phase" = reading ] && [ "$read" -gt 0 ] && [ "$read" -lt "$ROWS" ]; then break; fi
        if [ "$phase" = merging ] && [ "$read" -ge "$ROWS" ]; then break; fi ;;
      *) echo "missed: the load ended $(jq -r .status <<<"$import") before it was caught $phase"; return 0 ;;
    esac
    sleep 0.02
  done
  job=$(jq -r .jobs.dataset_load <<<"$import")
  runner=$(api "${BASES[0]}/v1/jobs/$job" | jq -r '[.history[] | select(.status == "processing")] | last | .reason' | sed 's/^claimed by \([^/]*\)\/.*/\1/')
  canceler=$([ "$runner" = "${NODES[0]}" ] && echo 1 || echo 0)
  requested=$(ms_now)
  api -X POST "${BASES[$canceler]}/v1/imports/$id/cancel" >/dev/null || true
  until [ "$(api "${BASES[$canceler]}/v1/imports/$id" | jq -r .status)" != processing ]; do sleep 0.02; done
  import=$(api "${BASES[$canceler]}/v1/imports/$id")
  [ "$(jq -r .status <<<"$import")" = canceled ] || { echo "missed: the load ended $(jq -r .status <<<"$import") instead of canceled"; return 0; }
  at=$(api "${BASES[$canceler]}/v1/jobs/$job" | jq -r '.history[] | select(.status == "canceled") | .at')
  written=$(api "${BASES[$canceler]}/v1/datasets/$dataset" | jq .counts.total)
  [ "$written" = 0 ] || { echo "NOT CLEAN: $written records in $dataset after the cancel" >&2; exit 1; }
  awk -v a="$(date -d "$at" +%s%3N)" -v r="$requested" -v x="$runner" -v y="${NODES[$canceler]}" 'BEGIN { printf "%.3f %s %s\n", (a - r) / 1000, x, y }'
}

MISSES=0
for phase in reading merging; do
  echo "== canceled while $phase ($RUNS runs): seconds from the request to canceled in the store"
  times=()
  for run in $(seq 1 "$RUNS"); do
    result=$(cancel_once "$phase" "$run")
    echo "  run $run: $result (load average $(cut -d' ' -f1 /proc/loadavg))"
    case "$result" in missed*) ;; *) times+=("${result%% *}") ;; esac
  done
  if [ "${#times[@]}" -gt 0 ]; then
    summary=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "min %.3f s, median %.3f s, max %.3f s of %d", a[1], a[int((NR + 1) / 2)], a[NR], NR }')
    echo "  $phase: $summary; nothing written in any"
    max=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
    awk -v m="$max" 'BEGIN { exit !(m < 1) }' || { echo "MISSED: a cancel while $phase took $max s (target < 1 s)"; MISSES=$((MISSES + 1)); }
  fi
done
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$MISSES" -eq 0 ]
