#!/usr/bin/env bash
# The whole story of the sample app on PostgreSQL, under traffic: two instances of the app on two
# ports go through every phase of both migrations (customer-email, a rename, and
# customer-credit-limit, a type change) by rolling restarts, while a traffic generator in a third
# process sends reads, inserts and updates through the REST API. On the way it pauses and resumes
# the backfill through the Actuator endpoint, waits for the verification before read-new, verifies
# again before contract, applies the contract changesets, and ends with a summary.
#
#   sample-app/walkthrough.sh                  # 100,000 rows, a few minutes
#   WALKTHROUGH_ROWS=20000 WALKTHROUGH_BACKFILL_ROWS_PER_SECOND=600 sample-app/walkthrough.sh   # short (CI)
#
# Exit code 0 only when no request failed, every verification passed with 0 mismatches and no
# row is left without its new value. What counts as a failed request: see TrafficGenerator
# (no answer, a status other than the expected 200/201, or an answer whose two fields disagree
# or do not show what was written; nothing is retried). A rolling restart drains an instance
# first, as a load balancer would: the generator stops sending to it, requests in flight finish
# (Spring Boot's graceful shutdown), then it stops.
#
# Settings (environment variables):
#   WALKTHROUGH_ROWS                      seeded customers (default 100000)
#   WALKTHROUGH_RATE                      traffic, requests per second (default 25)
#   WALKTHROUGH_BACKFILL_ROWS_PER_SECOND  backfill rate cap per migration, so that there is time to watch and
#                                         pause it; 0 = none, the library's default (default 5000)
#   WALKTHROUGH_PAUSE_SECONDS             how long the backfill stays paused (default 3)
#   WALKTHROUGH_BAKE_IN                   time the migrations must run in read-new before contract may start
#                                         (expand-contract.migrations.<id>.bake-in; the library's default is 1h,
#                                         the walkthrough's 0s so that it does not wait an hour)
#   WALKTHROUGH_DB                        database, DROPPED and created again (default ec_walkthrough)
#   PGHOST PGPORT PGUSER PGPASSWORD       the PostgreSQL server (default 127.0.0.1 5432 postgres)
#   WALKTHROUGH_PORT_A / _PORT_B / _STATS_PORT   ports (default 8081, 8082, 8090)
#   WALKTHROUGH_SKIP_BUILD=true           use the jar already in sample-app/target
#   WALKTHROUGH_SCREENSHOT=path.png       while the backfill runs, a screenshot of /status (needs chromium)
# Needs: Java 17+, curl, jq, psql.
set -euo pipefail
cd "$(dirname "$0")"

ROWS=${WALKTHROUGH_ROWS:-100000}
RATE=${WALKTHROUGH_RATE:-25}
BACKFILL_RATE=${WALKTHROUGH_BACKFILL_ROWS_PER_SECOND:-5000}
PAUSE_SECONDS=${WALKTHROUGH_PAUSE_SECONDS:-3}
BAKE_IN=${WALKTHROUGH_BAKE_IN:-0s}
DB=${WALKTHROUGH_DB:-ec_walkthrough}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PORT_A=${WALKTHROUGH_PORT_A:-8081}
PORT_B=${WALKTHROUGH_PORT_B:-8082}
STATS_PORT=${WALKTHROUGH_STATS_PORT:-8090}
SCREENSHOT=${WALKTHROUGH_SCREENSHOT:-}
JAVA_OPTS=${WALKTHROUGH_JAVA_OPTS:--Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
MIGRATIONS=(customer-email customer-credit-limit)
WORK=target/walkthrough
TARGETS=$WORK/targets

for tool in java curl jq psql; do
  command -v "$tool" >/dev/null || { echo "walkthrough: needs $tool (Debian: apt-get install -y ${tool/psql/postgresql-client})" >&2; exit 2; }
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "walkthrough FAILED: $*" >&2; exit 1; }
now() { date +%s; }

# ---------------------------------------------------------------- build, database, cleanup
if [[ "${WALKTHROUGH_SKIP_BUILD:-false}" != true ]]; then
  say "Building the sample app (once)"
  (cd .. && ./mvnw -B -q -pl sample-app package -DskipTests)
fi
JAR=$(ls target/expand-contract-sample-app-*.jar 2>/dev/null | grep -v original | head -n 1)
[[ -n "$JAR" ]] || fail "no jar in sample-app/target; build it or unset WALKTHROUGH_SKIP_BUILD"
rm -rf "$WORK" && mkdir -p "$WORK"

declare -A PIDS=()
cleanup() {
  for name in "${!PIDS[@]}"; do kill "${PIDS[$name]}" 2>/dev/null || true; done
  for name in "${!PIDS[@]}"; do wait "${PIDS[$name]}" 2>/dev/null || true; done
}
trap cleanup EXIT

say "Fresh database $DB on $PGHOST:$PGPORT"
psql -d postgres -qX -v ON_ERROR_STOP=1 -c "drop database if exists \"$DB\" with (force)" -c "create database \"$DB\""

# ---------------------------------------------------------------- instances and traffic
phase_args() { # <phase>: the phase of both migrations, and what the phase needs
  local phase=$1 args=() m
  for m in "${MIGRATIONS[@]}"; do
    args+=("--expand-contract.migrations.$m.phase=$phase")
    [[ "$BACKFILL_RATE" != 0 ]] && args+=("--expand-contract.migrations.$m.backfill.max-rows-per-second=$BACKFILL_RATE")
    args+=("--expand-contract.migrations.$m.bake-in=$BAKE_IN")
  done
  # contract stops writing the old columns: their NOT NULL goes first (changesets 003 and 005)
  [[ "$phase" == contract ]] && args+=("--spring.liquibase.contexts=default,contract,contract-credit-limit")
  echo "${args[@]}"
}

start_instance() { # <name> <port> <phase>
  local name=$1 port=$2 phase=$3 log
  log=$WORK/$name-$phase.log
  # shellcheck disable=SC2046,SC2086
  java $JAVA_OPTS -jar "$JAR" --server.port="$port" --spring.profiles.active=postgres,demo \
    --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.datasource.username="$PGUSER" \
    --spring.datasource.password="${PGPASSWORD:-}" --sample.seed.rows="$ROWS" \
    --sample.traffic.enabled=false --sample.traffic.stats-url="http://127.0.0.1:$STATS_PORT/stats" \
    --spring.main.banner-mode=off $(phase_args "$phase") >"$log" 2>&1 &
  PIDS[$name]=$!
  local deadline=$(( $(now) + 180 ))
  until curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null; do
    kill -0 "${PIDS[$name]}" 2>/dev/null || { tail -n 40 "$log" >&2; fail "instance $name did not start in phase $phase (log: $log)"; }
    (( $(now) < deadline )) || { tail -n 40 "$log" >&2; fail "instance $name not ready within 180 s (log: $log)"; }
    sleep 0.5
  done
  echo "   instance $name up on port $port in phase $phase"
}

stop_instance() { # <name>
  local name=$1
  kill -TERM "${PIDS[$name]}"
  wait "${PIDS[$name]}" || true # a JVM stopped by SIGTERM exits with 143
  unset "PIDS[$name]"
}

# the generator sends to the instances listed in $TARGETS (re-read every 200 ms): draining one is removing its line
route() { # <port...>: the instances that get traffic
  local tmp=$TARGETS.tmp p
  : >"$tmp"
  for p in "$@"; do echo "http://127.0.0.1:$p" >>"$tmp"; done
  mv "$tmp" "$TARGETS"
}

declare -A PHASE_SECONDS=()
PHASE_ORDER=()
timed() { # <label> <command...>
  local label=$1 t0
  shift
  t0=$(now)
  "$@"
  PHASE_SECONDS[$label]=$(( $(now) - t0 ))
  PHASE_ORDER+=("$label")
}

roll() { # <phase>: rolling restart, one instance at a time, traffic on the other
  say "Rolling restart to phase $1"
  route "$PORT_B"; sleep 1
  stop_instance a; start_instance a "$PORT_A" "$1"
  route "$PORT_A"; sleep 1
  stop_instance b; start_instance b "$PORT_B" "$1"
  route "$PORT_A" "$PORT_B"
}

migration() { # <migration> [port]: the endpoint's JSON
  curl -sf "http://127.0.0.1:${2:-$PORT_A}/actuator/expandcontract/$1" || fail "GET /actuator/expandcontract/$1 failed"
}

await() { # <seconds> <description> <migration> <jq condition>
  local deadline=$(( $(now) + $1 )) json
  while true; do
    json=$(migration "$3")
    [[ $(jq -r "$4" <<<"$json") == true ]] && return 0
    [[ $(jq -r '.backfill.status' <<<"$json") == FAILED ]] && fail "$3: backfill FAILED: $(jq -c .backfill <<<"$json")"
    (( $(now) < deadline )) || fail "$3: not within $1 s: $2; last answer $(jq -c '{phase, backfill, verification}' <<<"$json")"
    sleep 0.5
  done
}

action() { # <migration> <action> [port]
  local code
  code=$(curl -s -o "$WORK/action.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "{\"action\":\"$2\"}" "http://127.0.0.1:${3:-$PORT_B}/actuator/expandcontract/$1")
  [[ "$code" == 200 || "$code" == 202 ]] || fail "POST $2 on $1 answered $code: $(cat "$WORK/action.json")"
}

first_start() {
  say "Phase expand: instance a seeds $ROWS customers on first start, then instance b"
  start_instance a "$PORT_A" expand
  start_instance b "$PORT_B" expand
}

traffic_start() {
  route "$PORT_A" "$PORT_B"
  java $JAVA_OPTS -cp "$JAR" -Dloader.main=io.github.expandcontract.sample.traffic.TrafficMain \
    org.springframework.boot.loader.launch.PropertiesLauncher targets-file="$TARGETS" rate="$RATE" duration=60m workers=4 \
    stats-port="$STATS_PORT" summary="$WORK/traffic.json" >"$WORK/traffic.log" 2>&1 &
  PIDS[traffic]=$!
  local deadline=$(( $(now) + 60 ))
  until curl -sf "http://127.0.0.1:$STATS_PORT/stats" | jq -e '.running and .requests > 0' >/dev/null; do
    kill -0 "${PIDS[traffic]}" 2>/dev/null || { cat "$WORK/traffic.log" >&2; fail "the traffic generator stopped"; }
    (( $(now) < deadline )) || fail "the traffic generator sent nothing within 60 s (log: $WORK/traffic.log)"
    sleep 0.5
  done
  echo "   traffic: $RATE requests/s through the REST API of both instances (http://127.0.0.1:$STATS_PORT/stats)"
}

pause_and_resume() {
  local m rows
  say "Backfill runs: pause it through the Actuator endpoint, check that it stands still, resume it"
  for m in "${MIGRATIONS[@]}"; do
    await 120 "backfill running" "$m" '.backfill.status == "RUNNING" or .backfill.status == "COMPLETED"'
    [[ $(migration "$m" | jq -r .backfill.status) == RUNNING ]] \
      || fail "$m: the backfill completed before it could be paused; use more rows or a lower WALKTHROUGH_BACKFILL_ROWS_PER_SECOND"
  done
  if [[ -n "$SCREENSHOT" ]]; then
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
      --disable-sync --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=1280,1000 --screenshot="$SCREENSHOT" \
      "http://127.0.0.1:$PORT_B/status" >/dev/null 2>&1 && echo "   screenshot of /status: $SCREENSHOT"
  fi
  for m in "${MIGRATIONS[@]}"; do action "$m" pause; done
  for m in "${MIGRATIONS[@]}"; do
    await 60 "backfill PAUSED" "$m" '.backfill.status == "PAUSED"'
    echo "   $m paused at $(migration "$m" | jq -r '"\(.backfill.rowsProcessed) of ~\(.backfill.rowsTotal) rows (\(.backfill.percent)%)"')"
  done
  declare -A at=()
  for m in "${MIGRATIONS[@]}"; do at[$m]=$(migration "$m" | jq .backfill.rowsProcessed); done
  sleep "$PAUSE_SECONDS"
  for m in "${MIGRATIONS[@]}"; do
    rows=$(migration "$m" "$PORT_B" | jq .backfill.rowsProcessed)
    [[ "$rows" == "${at[$m]}" ]] || fail "$m: rows moved while paused (${at[$m]} -> $rows)"
  done
  echo "   no row moved in $PAUSE_SECONDS s"
  for m in "${MIGRATIONS[@]}"; do action "$m" resume; done
  echo "   resumed"
}

backfill_completes() {
  local m
  for m in "${MIGRATIONS[@]}"; do
    await 900 "backfill COMPLETED and verification PASSED" "$m" \
      '.backfill.status == "COMPLETED" and (.verification.status == "PASSED" or .verification.status == "FAILED")'
    [[ $(migration "$m" | jq -r .verification.status) == PASSED ]] || fail "$m: verification $(migration "$m" | jq -c .verification)"
    echo "   $m: $(migration "$m" | jq -r '"backfill \(.backfill.rowsProcessed) rows, verification \(.verification.status): \(.verification.rowsChecked) rows checked, \(.verification.mismatches) mismatches"')"
  done
}

verify_again() {
  local m before
  say "Before contract: verify both migrations again, under traffic"
  for m in "${MIGRATIONS[@]}"; do
    before=$(migration "$m" | jq -r .verification.startedAt)
    action "$m" verify
    await 600 "a new verification finished" "$m" \
      "(.verification.startedAt != \"$before\") and (.verification.status == \"PASSED\" or .verification.status == \"FAILED\")"
    VERIFIED[$m]=$(migration "$m" | jq -c '{status: .verification.status, rowsChecked: .verification.rowsChecked, mismatches: .verification.mismatches}')
    echo "   $m: ${VERIFIED[$m]}"
  done
}

# ---------------------------------------------------------------- the story
declare -A VERIFIED=()
T0=$(now)
timed "expand (first start, seeding)" first_start
traffic_start
timed "dual-write (rolling restart)" roll dual-write
timed "backfill (rolling restart)" roll backfill
timed "backfill (pause, resume)" pause_and_resume
timed "backfill (copy to the end, verification)" backfill_completes
timed "read-new (rolling restart)" roll read-new
timed "verification before contract" verify_again
timed "contract (rolling restart)" roll contract

say "Contract reached: stopping the traffic"
sleep 2
kill -TERM "${PIDS[traffic]}"; wait "${PIDS[traffic]}" || true; unset "PIDS[traffic]"
[[ -s "$WORK/traffic.json" ]] || fail "the traffic generator wrote no summary (log: $WORK/traffic.log)"
for m in "${MIGRATIONS[@]}"; do
  [[ $(migration "$m" | jq -r '[.instances[].phase] | unique | . == ["contract"]') == true ]] || fail "$m: not every instance is in contract"
done

# every row has its new value, whatever wrote it (checked in the database itself, not through the app)
EMPTY_EMAIL=$(psql -d "$DB" -tAX -c "select count(*) from customers where email_address is null")
EMPTY_LIMIT=$(psql -d "$DB" -tAX -c "select count(*) from customers where credit_limit is null")
ROWS_NOW=$(psql -d "$DB" -tAX -c "select count(*) from customers")

# ---------------------------------------------------------------- summary
T=$(cat "$WORK/traffic.json")
REQUESTS=$(jq .requests <<<"$T"); FAILURES=$(jq .failures <<<"$T")
say "Summary ($(( $(now) - T0 )) s)"
printf '  %-56s %s\n' "requests made" "$REQUESTS ($(jq -r '"\(.reads) reads, \(.inserts) inserts, \(.updates) updates"' <<<"$T"))"
printf '  %-56s %s\n' "failed requests" "$FAILURES"
printf '  %-56s %s\n' "latency p99 / max" "$(jq -r '"\(.p99Millis) ms / \(.maxMillis) ms"' <<<"$T")"
MISMATCHES=0
for m in "${MIGRATIONS[@]}"; do
  printf '  %-56s %s\n' "$m: rows verified, mismatches" "$(jq -r '"\(.rowsChecked), \(.mismatches) (\(.status))"' <<<"${VERIFIED[$m]}")"
  MISMATCHES=$(( MISMATCHES + $(jq .mismatches <<<"${VERIFIED[$m]}") ))
  [[ $(jq -r .status <<<"${VERIFIED[$m]}") == PASSED ]] || MISMATCHES=$(( MISMATCHES + 1 ))
done
printf '  %-56s %s\n' "rows now, of them without email_address / credit_limit" "$ROWS_NOW, $EMPTY_EMAIL / $EMPTY_LIMIT"
echo "  time per phase:"
for label in "${PHASE_ORDER[@]}"; do printf '    %-54s %4d s\n' "$label" "${PHASE_SECONDS[$label]}"; done

if (( FAILURES > 0 )); then
  jq -r '.recentFailures[]' <<<"$T" >&2
  fail "$FAILURES failed requests (logs: $WORK)"
fi
(( MISMATCHES == 0 )) || fail "verification mismatches (logs: $WORK)"
(( EMPTY_EMAIL == 0 && EMPTY_LIMIT == 0 )) || fail "rows without their new value (logs: $WORK)"
echo
echo "walkthrough OK: 0 failed requests, 0 mismatches"
