# Shared by the bench scripts (sourced).

# free_port: a free TCP port: another benchmark on this machine may hold any fixed one, and its server would
# answer this one's requests.
free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    ss -ltnH "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return 0; }
  done
  return 1
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# cleanup_on_exit: on exit, stops the server in SERVER_PID and the throwaway PostgreSQL in PG_DIR (either may be
# empty), and deletes DATA.
cleanup_on_exit() {
  SERVER_PID=
  PG_DIR=
  trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
        if [ -n "$PG_DIR" ]; then .ci/postgres.sh stop "$PG_DIR" || true; fi
        rm -rf "$DATA"' EXIT
}
