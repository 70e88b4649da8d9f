#!/usr/bin/env bash
# Throughput and memory of `intake convert` (CSV with dotted headers to NDJSON), offline:
#   bench/convert.sh [ROWS] [BIG_MB]
# generates a customer CSV of ROWS rows (default 1,000,000) with dotted columns that are not adjacent and
# array columns, converts it untyped and typed (--record-type customer_record) and to NDJSON.gz, and reports
# MB/s (median of 3); then repeats rows up to BIG_MB megabytes (default 1024: 1 GiB) and reports the peak RSS
# of one conversion of that file. Uses the Release build of src/Intake.Cli.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000} big_mb=${2:-1024}
OUT=${OUT:-$(mktemp -d /tmp/intake-convert-bench.XXXXXX)}
log=$(dotnet build src/Intake.Cli -c Release -v quiet -nologo 2>&1) || { echo "$log" | grep -E ' error ' | sort -u >&2; exit 1; }
intake="dotnet artifacts/bin/Intake.Cli/release/intake.dll"

csv="$OUT/customers.csv"
awk -v n="$rows" 'BEGIN {
  srand(11);
  print "link.customer_id,first_name,last_name,link.system_name,email,mobile,postcode,date_of_birth,employee_flag,custom_fields.loyalty_points,custom_fields.segment,addresses.0.city,addresses.0.postcode,addresses.1.city,addresses.1.postcode";
  split("Sydney Melbourne Brisbane Perth Adelaide Hobart", cities, " ");
  for (i = 0; i < n; i++) {
    second = rand() < 0.3;
    printf "C-%08d,First%d,Last%d,crm_%d,person%d@fake.com,614%08d,%04d,19%02d-%02d-%02d,%s,%d,\"seg, %d\",%s,%04d,%s,%s\n",
      i, i % 997, i % 1009, i % 3, i, int(rand() * 100000000), int(rand() * 9000) + 1000,
      int(rand() * 90) + 10, int(rand() * 12) + 1, int(rand() * 28) + 1, (rand() < 0.1 ? "true" : "false"),
      int(rand() * 100000), i % 7, cities[int(rand() * 6) + 1], int(rand() * 9000) + 1000,
      second ? cities[int(rand() * 6) + 1] : "", second ? sprintf("%04d", int(rand() * 9000) + 1000) : "";
  }
}' > "$csv"
mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "input: $rows rows, $mb MB ($csv)"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# Wall time, and CPU time (user + system) beside it: on a shared machine the CPU figure is the steadier one.
run() { # label, then convert arguments
  local label=$1; shift
  local walls=() cpus=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$OUT/run.txt" $intake convert "$csv" "$@" 2> "$OUT/convert.err" > /dev/null \
      || { cat "$OUT/convert.err" >&2; exit 1; }
    read -r wall user sys < "$OUT/run.txt"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v mb="$mb" \
    'BEGIN { printf "%-44s %7.2f s wall  %6.1f MB/s   %7.2f s CPU  %6.1f MB/s per CPU-second\n", l, w, mb / w, c, mb / c }'
}
run "convert (strings)"
run "convert --record-type customer_record" --record-type customer_record
run "convert --record-type customer_record --gzip" --record-type customer_record --gzip -o "$OUT/customers.ndjson.gz"

big="$OUT/customers-big.csv"
head -1 "$csv" > "$big"
while [ "$(stat -c %s "$big")" -lt $((big_mb * 1024 * 1024)) ]; do tail -n +2 "$csv" >> "$big"; done
big_size=$(awk -v b="$(stat -c %s "$big")" 'BEGIN { printf "%.0f", b / 1048576 }')
/usr/bin/time -f "%M %e" -o "$OUT/time.txt" $intake convert "$big" --record-type customer_record -o "$OUT/big.ndjson" 2> /dev/null
read -r rss_kb seconds < "$OUT/time.txt"
awk -v kb="$rss_kb" -v s="$seconds" -v size="$big_size" 'BEGIN {
  printf "convert of a %d MiB file: %.1f s (%.0f MB/s), peak RSS %.0f MB\n", size, s, size * 1.048576 / s, kb / 1024 }'
rm -f "$big" "$OUT/big.ndjson"
