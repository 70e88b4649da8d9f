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
