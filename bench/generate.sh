#!/usr/bin/env bash
# Deterministic test data for the benchmarks (same seed, same bytes):
#   generate.sh interactions N FILE [PART]   type,source_id,target_id,timestamp,metadata  (unique keys;
#                                            part P continues the timeline after P*N rows, so parts never share keys)
#   generate.sh entities N FILE       id,type,name,metadata,media_url             (about 1% repeated ids)
set -euo pipefail
kind=$1 rows=$2 out=$3 part=${4:-0}
case "$kind" in
  interactions)
    awk -v n="$rows" -v part="$part" 'BEGIN {
      srand(42 + part); split("view view view view click click add_to_cart purchase", types, " ");
      split("web ios android email", sources, " ");
      print "type,source_id,target_id,timestamp,metadata";
      base = 1704067200; # 2024-01-01T00:00:00Z
      for (i = part * n; i < (part + 1) * n; i++) {
        t = types[int(rand() * 8) + 1];
        ms = i * 1300 + int(rand() * 1000);
        secs = base + int(ms / 1000);
        printf "%s,user_%06d,item_%06d,%s.%03dZ,\"{\"\"source\"\":\"\"%s\"\",\"\"position\"\":%d}\"\n",
          t, int(rand() * 100000), int(rand() * 50000), strftime("%Y-%m-%dT%H:%M:%S", secs, 1), ms % 1000,
          sources[int(rand() * 4) + 1], int(rand() * 20) + 1;
      }
    }' > "$out" ;;
  entities)
    awk -v n="$rows" 'BEGIN {
      srand(7); split("product product product article video", types, " ");
      print "id,type,name,metadata,media_url";
      for (i = 0; i < n; i++) {
        id = (i > 0 && i % 100 == 0) ? int(rand() * i) : i;
        t = types[(id % 5) + 1];
        printf "sku-%07d,%s,Item %d of the catalog,\"{\"\"price\"\":%.2f,\"\"stock\"\":%d,\"\"brand\"\":\"\"brand-%d\"\"}\",https://img.example.com/%07d.jpg\n",
          id, t, i, rand() * 500, int(rand() * 1000), id % 300, id;
      }
    }' > "$out" ;;
  *) echo "usage: generate.sh interactions|entities ROWS FILE" >&2; exit 2 ;;
esac
