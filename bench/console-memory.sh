#!/usr/bin/env bash
# Loads a large file (default 500 MB of interactions) through the console in Debian's chromium and prints the
# tab's memory: JS heap and renderer RSS (and all chromium processes) before, during the upload and during the
# load. The console streams the File with XMLHttpRequest, so none of these should grow with the file.
#   bench/console-memory.sh [ROWS]    (5,300,000 interaction rows ≈ 500 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-5300000}
OUT=${BENCH_OUT:-bench/out}
PORT=${PORT:-5098}
BASE="http://127.0.0.1:$PORT"
mkdir -p "$OUT"
FILE="$OUT/console-$ROWS.csv"
[ -f "$FILE" ] || bench/generate.sh interactions "$ROWS" "$FILE"
ls -l "$FILE" | awk '{print "file: " $5 " bytes"}'

DATA="$(mktemp -d)"
dotnet build src/Intake.Server -c Release -v q -nologo >/dev/null
dotnet build bench/Intake.ConsoleMemory -c Release -v q -nologo >/dev/null
INTAKE_Storage__DataDirectory="$DATA" dotnet artifacts/bin/Intake.Server/release/Intake.Server.dll --urls "$BASE" >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$BASE/ready" >/dev/null || { echo "the server did not start:"; cat "$DATA/server.log"; exit 1; }
curl -sf -X POST "$BASE/v1/datasets" -H 'Content-Type: application/json' -d '{"id": "memory", "name": "Memory"}' >/dev/null
dotnet artifacts/bin/Intake.ConsoleMemory/release/Intake.ConsoleMemory.dll "$BASE" memory "$FILE"
