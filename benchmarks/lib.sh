# Shared helpers of bin/bench-inventory and bin/bench-saga (sourced, not run). Expects the working
# directory to be the repository's root and $uri to be set.

perftest_dir=benchmarks/perftest
perftest_classpath_file="$perftest_dir/target/perftest.classpath"

load_average() {
  cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'
}

# Builds the launchers' jars that are missing and resolves PerfTest's classpath into $perftest_cp.
# $@: module directories (benchmarks/driver builds orderflow-benchmarks.jar, bin/producer load|saga).
bench_prepare() {
  local module jar missing=()
  for module in "$@"; do
    jar="$module/target/$module.jar"
    [[ "$module" != benchmarks/driver ]] || jar="$module/target/orderflow-benchmarks.jar"
    [[ -f "$jar" ]] || missing+=("$module")
  done
  if ((${#missing[@]} > 0)); then
    echo "building ${missing[*]} ..." >&2
    ./mvnw -q -DskipTests -pl "$(IFS=,; echo "${missing[*]}")" -am package >&2
  fi
  if [[ ! -s "$perftest_classpath_file" ]]; then
    echo "resolving PerfTest's classpath with Maven ..." >&2
    mkdir -p "$perftest_dir/target"
    ./mvnw -q -f "$perftest_dir/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$(pwd)/$perftest_classpath_file" >&2
  fi
  perftest_cp="$(cat "$perftest_classpath_file")"
}

# Deletes queues/exchanges by name (ignores missing ones).
delete_names() {
  java -cp "$perftest_cp" "$perftest_dir/Cleanup.java" "$uri" "$@" >/dev/null 2>&1 || true
}

# Deletes every queue and exchange of a namespace's topology.
delete_namespace() {
  bin/producer topology declare --uri "$uri" --namespace "$1" --json 2>/dev/null \
    | java -cp "$perftest_cp" "$perftest_dir/Cleanup.java" "$uri" - >/dev/null 2>&1 || true
}

# PerfTest, one producer and one consumer on a quorum queue with confirms; prints its steady-state
# received (consumed) msg/s after $2 seconds. $1: queue name, $2: warm-up seconds, $3: seconds.
perftest_consume_rate() {
  local queue="$1" warm="$2" seconds="$3" log
  log="$(mktemp)"
  java -cp "$perftest_cp" com.rabbitmq.perf.PerfTest --uri "$uri" -x 1 -y 1 -qq -u "$queue" \
    -c 100 -s 400 -q 200 -A 50 -z "$seconds" -i 1 >"$log" 2>&1 || true
  delete_names "$queue"
  # Per-second lines: "id: ..., time 12.000 s, sent: 17234 msg/s, ..., received: 17000 msg/s, ..."
  awk -v warm="$warm" '
    /time [0-9.]+ s, sent: [0-9]+ msg\/s/ && /received: [0-9]+ msg\/s/ {
      match($0, /time [0-9.]+ s/); t = substr($0, RSTART + 5, RLENGTH - 7) + 0
      match($0, /received: [0-9]+ msg\/s/); r = substr($0, RSTART + 10, RLENGTH - 16) + 0
      if (t > warm) { sum += r; n++ }
    }
    END { if (n > 0) printf "%.0f", sum / n; else print 0 }' "$log"
  if ! grep -q 'received: [0-9]' "$log"; then
    cat "$log" >&2
  fi
  rm -f "$log"
}

# The saga's broker-bound ceiling (null services doing exactly the saga's broker work, no JSON, no
# database), measured now by the shared ceiling script: prints its JSON line. $@: ceiling.sh's
# arguments after the prefix, e.g. `30 --view observe`. BENCH_CEILING_SCRIPT names the script
# (default ../shared/bench/ceiling.sh); a missing script fails the benchmark, naming it.
ceiling_json() {
  local script="${BENCH_CEILING_SCRIPT:-../shared/bench/ceiling.sh}" ceiling_uri="$uri" line
  if [[ ! -f "$script" ]]; then
    echo "bench: no ceiling script at $script (set BENCH_CEILING_SCRIPT)" >&2
    return 1
  fi
  # ceiling.sh accepts loopback brokers only, written as 127.x.x.x.
  ceiling_uri="${ceiling_uri/@localhost:/@127.0.0.1:}"
  ceiling_uri="${ceiling_uri/@localhost\//@127.0.0.1/}"
  line="$(CEILING_URI="$ceiling_uri" CEILING_CP="$perftest_cp" MAIN="$PWD" \
    bash "$script" "ceiling-$$" "$@" | tail -1)"
  if [[ "$line" != "{"* ]]; then
    echo "bench: the ceiling script printed no JSON line" >&2
    return 1
  fi
  echo "$line"
}

# The value of KEY in a one-line JSON object (nested keys as further arguments).
json_get() {
  python3 -c 'import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2:]:
    value = value[key]
print(value)' "$@"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Sum of every sample of a metric on a /metrics page (all label sets), or empty if unreachable.
scrape() {
  curl -fsS --max-time 2 "$1" 2>/dev/null | metric_sum "$2" || true
}

# Sums the samples of metric $1 (any labels) in a Prometheus page on stdin; prints nothing if absent.
metric_sum() {
  awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF; found = 1 }
    END { if (found) printf "%.0f", sum }'
}

# Waits until a service's /metrics answers (at most $2 seconds); fails if its process died.
await_metrics() {
  local url="$1" deadline=$((SECONDS + $2)) pid="$3"
  until curl -fsS --max-time 2 "$url" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "service (pid $pid) exited before serving $url" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.2
  done
}

rss_mb() {
  ps -o rss= -p "$1" 2>/dev/null | awk '{ printf "%.0f", $1 / 1024 }' || true
}

# SIGTERM and wait; sets $stopped_code to the exit code. Not in a $(...): wait needs the parent.
stop_service() {
  stopped_code=0
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" || stopped_code=$?
}

now_ms() {
  date +%s%3N
}

# Exact message count of one queue ("-" if it does not exist).
queue_depth() {
  java -cp "$perftest_cp" "$perftest_dir/QueueDepth.java" "$uri" "$1" 2>/dev/null \
    | awk -v q="$1" '$1 == q { print $2 }' || true
}

# CPU seconds (user + system) a live process has used so far, or empty if it is gone.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null \
    || true
}

# A JDBC URL for one service's store in this run. BENCH_DB=sqlite (default): a file under $2.
# BENCH_DB=postgres: a fresh schema in BENCH_POSTGRES_URL's database, dropped by drop_schemas.
bench_schemas=()
bench_database() {
  local name="$1" dir="$2"
  case "${BENCH_DB:-sqlite}" in
    sqlite) echo "jdbc:sqlite:$dir/$name.db" ;;
    postgres)
      local base="${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
      local schema="bench_${name}_$$"
      psql_base "$base" -c "CREATE SCHEMA $schema" >/dev/null
      echo "$schema" >>"$dir/schemas"
      echo "$base$([[ "$base" == *\?* ]] && echo '&' || echo '?')currentSchema=$schema"
      ;;
    *) echo "BENCH_DB must be sqlite or postgres, not ${BENCH_DB}" >&2; return 1 ;;
  esac
}

# psql against the database of a jdbc:postgresql:// URL (host, port, database and user only).
psql_base() {
  local url="${1#jdbc:postgresql://}"; shift
  local hostport="${url%%/*}" rest="${url#*/}"
  local database="${rest%%\?*}" user
  user="$(sed -n 's/.*[?&]user=\([^&]*\).*/\1/p' <<<"$rest")"
  psql -q -h "${hostport%%:*}" -p "${hostport##*:}" -U "${user:-postgres}" -d "$database" "$@"
}

# Drops the PostgreSQL schemas bench_database created under $1.
drop_schemas() {
  local schema
  [[ -f "$1/schemas" ]] || return 0
  while read -r schema; do
    psql_base "${BENCH_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}" \
      -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  done <"$1/schemas"
}

# One JSON object on one line from KEY VALUE pairs; values that parse as numbers stay numbers.
json_line() {
  python3 -c 'import json, sys
args = sys.argv[1:]
def value(text):
    try:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    except ValueError:
        return text
print(json.dumps({args[i]: value(args[i + 1]) for i in range(0, len(args), 2)}))' "$@"
}

# "inventory->2 shipping->1 producer->3" from NAME PID pairs: the bin/cluster node (1, 2 or 3, on
# 127.0.0.2 to .4) that each process's AMQP connections go to, from the kernel's socket table.
connected_nodes() {
  local name pid nodes found=()
  while [[ $# -gt 0 ]]; do
    name="$1" pid="$2"; shift 2
    nodes="$(ss -tnpH state established "( dport = :${CLUSTER_AMQP_PORT:-5672} )" 2>/dev/null \
      | grep "pid=$pid," | awk '{ print $4 }' \
      | sed -n 's/^\[\{0,1\}\(::ffff:\)\{0,1\}127\.0\.0\.\([234]\)\]\{0,1\}:.*/\2/p' \
      | awk '{ print $1 - 1 }' | sort -u | paste -sd+ -)"
    found+=("$name->${nodes:-none}")
  done
  echo "${found[*]}"
}
