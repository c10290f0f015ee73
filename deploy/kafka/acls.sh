#!/usr/bin/env bash
# Creates Redrive's topics and grants each service's principal its ACLs (redrive-acls.txt beside
# this script), as a Kafka super user. Run it once before the services start on a broker with
# authorization; running it again changes nothing.
#
#   KAFKA_BIN=/opt/kafka/bin BOOTSTRAP=broker:9092 ADMIN_CONFIG=admin.properties deploy/kafka/acls.sh
#
# ADMIN_CONFIG is a client properties file of the super user, e.g.
#   security.protocol=SASL_PLAINTEXT
#   sasl.mechanism=PLAIN
#   sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="...";
# PARTITIONS (3) and REPLICATION_FACTOR (1) set the topics' size, as redrive.kafka.partitions and
# redrive.kafka.replication-factor would.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="${KAFKA_BIN:?set KAFKA_BIN to the bin folder of a Kafka distribution}"
bootstrap="${BOOTSTRAP:?set BOOTSTRAP to the brokers, host:port}"
admin="${ADMIN_CONFIG:?set ADMIN_CONFIG to the super user client properties file}"
partitions="${PARTITIONS:-3}"
replication="${REPLICATION_FACTOR:-1}"

topic() {
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --command-config "$admin" \
    --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor "$replication" "${@:3}"
}

for name in redrive.attempts redrive.requests redrive.commands redrive.decisions redrive.process-events; do
  topic "$name" "$partitions"
  topic "$name.DLT" "$partitions"
done
# the outbox relays' progress: one partition, compacted (as the services create it)
topic redrive.outbox-progress 1 --config cleanup.policy=compact --config segment.ms=600000 \
  --config min.compaction.lag.ms=0

grep -Ev '^[[:space:]]*(#|$)' "$here/redrive-acls.txt" |
  while read -r principal operation resource pattern name; do
    case "$resource" in
      TOPIC) target=(--topic "$name") ;;
      GROUP) target=(--group "$name") ;;
      TRANSACTIONAL_ID) target=(--transactional-id "$name") ;;
      *) echo "redrive-acls.txt: unknown resource type '$resource'" >&2; exit 1 ;;
    esac
    "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin" --add \
      --allow-principal "$principal" --operation "$operation" \
      --resource-pattern-type "$(tr '[:upper:]' '[:lower:]' <<<"$pattern")" "${target[@]}"
  done
