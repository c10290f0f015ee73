#!/usr/bin/env bash
# Alternating A/B of two benchmark builds: the machine's speed drifts by 20-30% between runs
# minutes apart, so two builds are compared run by run, A B A B ..., each run holding the build lock.
#
#   ./mvnw -q -DskipTests -pl bench -am package && cp bench/target/redrive-bench-exec.jar /tmp/b.jar
#   bench/alternate.sh /tmp/ab /tmp/a.jar /tmp/b.jar 3
#   bench/alternate.sh /tmp/ab /tmp/a.jar /tmp/b.jar 2 --scenarios throughput --events 30000
#
# Writes each run's output to OUT-<jar name>-<n>.txt and one line per run to OUT-summary.txt: the
# rounds' ratios, their median, the rates, CPU per decision, WAL per failure and the five
# statements that took the most of PostgreSQL's time (share, us per failure). docs/performance.md
# ("Issue 16: ids that sort by time") shows how to read them.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 OUT_PREFIX JAR_A JAR_B [PAIRS] [benchmark options]" >&2
  exit 2
fi
out=$1 a=$2 b=$3
shift 3
pairs=2
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  pairs=$1
  shift
fi
options=("$@")
if [[ ${#options[@]} -eq 0 ]]; then
  options=(--scenarios throughput --events 60000 --warmup 60000 --retry-topics none --rounds 5)
fi
lock=${REDRIVE_LOCK:-/tmp/redrive-maven.lock}

for i in $(seq 1 "$pairs"); do
  for jar in "$a" "$b"; do
    name=$(basename "$jar" .jar)
    file="$out-$name-$i.txt"
    flock "$lock" java -jar "$jar" "${options[@]}" >"$file" 2>&1 || echo "run failed: $file" >&2
    {
      printf '%s %s | ' "$name" "$i"
      printf '%s | ' "$(grep -m1 'rounds, lowest' "$file" | sed 's/.*first: //')"
      printf 'median %s | ' "$(grep -m1 'Redrive / pipe  ' "$file" | awk '{print $4}')"
      printf 'Redrive %s/s, pipe %s/s | ' \
        "$(grep -m1 'Redrive coordinator' "$file" | awk '{print $3}')" \
        "$(grep -m1 'raw transactional pipe' "$file" | awk '{print $4}')"
      printf '%s | ' "$(grep -m1 'machine:' "$file" | sed 's/.*s; //')"
      printf 'WAL %s B/failure | ' "$(grep -m1 -oE 'writing [0-9,]+ bytes of WAL per failure' "$file" | awk '{print $2}')"
      printf '%s' "$(grep -m1 -oE 'lateness \(record timestamp - notBefore\): .*' "$file" | sed 's/$/ | /')"
      grep -E '^ +[0-9.]+% +[0-9.]+ us/failure' "$file" | head -5 \
        | sed -E 's/^ +([0-9.]+%) +([0-9.]+) us\/failure.* rows  (.{1,32}).*/\1 \2 us \3; /' \
        | tr -d '\n' || true # a scenario without the statement table (scheduling) has none
      echo
    } >>"$out-summary.txt"
  done
done
cat "$out-summary.txt"
