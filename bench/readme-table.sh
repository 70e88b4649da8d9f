#!/usr/bin/env bash
# Rebuilds the README's performance table from the newest bench/results/*-sqlite.md and *-postgres.md (the
# "## Summary" section bench/import.sh writes), between the README's bench-table markers. Not typed by hand.
#   bench/readme-table.sh [README]
set -euo pipefail
cd "$(dirname "$0")/.."
readme=${1:-README.md}
begin='<!-- bench-table: begin (bench/readme-table.sh writes this part from bench/results) -->'
end='<!-- bench-table: end -->'
grep -qF "$begin" "$readme" && grep -qF "$end" "$readme" || { echo "$readme has no bench-table markers" >&2; exit 1; }
table=$(mktemp)
trap 'rm -f "$table"' EXIT
found=0
for store in sqlite postgres; do
  file=$(ls bench/results/*-"$store".md 2>/dev/null | sort | tail -1 || true)
  [ -n "$file" ] || continue
  found=1
  {
    echo "From [$file]($file) ($(sed -n '1s/^# //p' "$file"); $(grep -m1 -E '^  [0-9]+ cores' "$file" | sed 's/^  //'); load average at start $(grep -m1 'load average at start' "$file" | sed 's/.*start: \([0-9. ]*\).*/\1/' | awk '{ print $1 }')):"
    echo
    awk '/^## Summary/ { on = 1; next } /^## / { on = 0 } on' "$file" | sed '/^(the run stopped/d' | awk 'NF || prev { print } { prev = NF }'
    echo "Targets: $(grep -c '^  met:' "$file") met, $(grep -c '^MISSED' "$file") missed$(grep '^MISSED' "$file" | sed 's/^MISSED: /; /' | tr -d '\n' | sed 's/^; / (/; s/$/)/; s/^)$//')."
    echo
  } >> "$table"
done
[ "$found" = 1 ] || { echo "no bench/results/*-sqlite.md or *-postgres.md yet: run bench/import.sh" >&2; exit 1; }
awk -v begin="$begin" -v end="$end" -v table="$table" '
  $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
  $0 == end { skip = 0 }
  !skip' "$readme" > "$readme.tmp"
mv "$readme.tmp" "$readme"
echo "$readme: performance table rebuilt from bench/results"
