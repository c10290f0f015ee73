package dev.redrive.coordinator;

import static dev.redrive.support.kafka.RedriveHeaders.DLT_REASON;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptEvent;
import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Other systems' failures in their own topics and formats (JSON, and Avro with the registry),
 * mapped by field paths; their retry commands go to their own topics.
 */
class ExternalSourceIT {

  private static final String BILLING = "billing.failures." + UUID.randomUUID();
  private static final String BILLING_COMMANDS = "billing.retries." + UUID.randomUUID();
  private static final String SHIPPING = "shipping.failures." + UUID.randomUUID();
  private static final String SHIPPING_COMMANDS = "shipping.retries." + UUID.randomUUID();

  private static final Schema SHIPMENT_FAILED =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "ShipmentFailed", "namespace": "com.example.shipping",
               "fields": [
                 {"name": "shipmentId", "type": "string"},
                 {"name": "stage", "type": "string"},
                 {"name": "reason", "type": "string"},
                 {"name": "carrier", "type": ["null", "string"], "default": null}
               ]}""");

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator =
        new CoordinatorUnderTest(
            "redrive.coordinator.policy.initial-interval=100ms",
            // polls of twenty failures of one source: the budget is not what these tests are about
            "redrive.coordinator.budget.min-retries=1000",
            "redrive.coordinator.sources.billing.topic=" + BILLING,
            "redrive.coordinator.sources.billing.format=JSON",
            "redrive.coordinator.sources.billing.command-topic=" + BILLING_COMMANDS,
            "redrive.coordinator.sources.billing.policy.max-attempts=3",
            "redrive.coordinator.sources.billing.mapping.execution-id=order.id",
            "redrive.coordinator.sources.billing.mapping.phase=step",
            "redrive.coordinator.sources.billing.mapping.message=error.text",
            "redrive.coordinator.sources.billing.mapping.failure-type=error.kind",
            "redrive.coordinator.sources.billing.mapping.retryable=error.retryable",
            "redrive.coordinator.sources.billing.mapping.attempt=attempt",
            "redrive.coordinator.sources.billing.attributes[0]=customer",
            "redrive.coordinator.sources.shipping.topic=" + SHIPPING,
            "redrive.coordinator.sources.shipping.format=AVRO",
            "redrive.coordinator.sources.shipping.command-topic=" + SHIPPING_COMMANDS,
            "redrive.coordinator.sources.shipping.mapping.execution-id=shipmentId",
            "redrive.coordinator.sources.shipping.mapping.phase=stage",
            "redrive.coordinator.sources.shipping.mapping.message=reason",
            "redrive.coordinator.sources.shipping.attributes[0]=carrier");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void jsonFailureOfAnotherSystemGetsARetryCommandOnItsOwnTopic() throws Exception {
    String order = "order-" + UUID.randomUUID();

    kafka.sendRaw(
        BILLING,
        order,
        """
        {"order": {"id": "%s"}, "step": "charge", "attempt": 1, "customer": "acme",
         "error": {"text": "card declined by issuer", "kind": "command_failed", "retryable": true}}"""
            .formatted(order)
            .getBytes(StandardCharsets.UTF_8));

    RetryCommand retry =
        (RetryCommand) ((CommandEvent) kafka.read(BILLING_COMMANDS, order, 1).get(0)).getPayload();
    assertThat(retry.getPhase()).isEqualTo("charge");
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    assertThat(retry.getMaxAttempts()).isEqualTo(3);
    assertThat(retry.getContext().getPriorAttempts().get(0).getMessage())
        .isEqualTo("card declined by issuer");
    assertThat(retry.getContext().getPriorAttempts().get(0).getFailureType().name())
        .isEqualTo("COMMAND_FAILED");
    assertThat(
            coordinator
                .jdbc()
                .sql("SELECT attributes ->> 'customer' FROM attempt WHERE execution_id = ?")
                .param(order)
                .query(String.class)
                .single())
        .isEqualTo("acme");

    // the failure is told again on redrive.attempts, in Redrive's words, for the audit trail
    AttemptEvent republished =
        (AttemptEvent) kafka.read(RedriveTopics.ATTEMPTS.name(), order, 1).get(0);
    assertThat(republished.getSource()).isEqualTo("billing");
    AttemptFailed failed = (AttemptFailed) republished.getPayload();
    assertThat(failed.getPhase()).isEqualTo("charge");
    assertThat(failed.getErrorMessage()).isEqualTo("card declined by issuer");
    assertThat(failed.getAttributes()).containsEntry("customer", "acme");

    // and the coordinator, reading it back, does not count it again: the next failure is the
    // second of three, so it is retried (counted twice, it would be the third, and paused)
    kafka.sendRaw(
        BILLING,
        order,
        """
        {"order": {"id": "%s"}, "step": "charge", "attempt": 2, "customer": "acme",
         "error": {"text": "card declined again", "kind": "command_failed", "retryable": true}}"""
            .formatted(order)
            .getBytes(StandardCharsets.UTF_8));
    RetryCommand second =
        (RetryCommand) ((CommandEvent) kafka.read(BILLING_COMMANDS, order, 2).get(1)).getPayload();
    assertThat(second.getAttemptNumber()).isEqualTo(3);
  }

  @Test
  void jsonRecordWithoutARequiredFieldGoesToTheDeadLetterTopicNamingIt() throws Exception {
    String key = "broken-" + UUID.randomUUID();

    kafka.sendRaw(
        BILLING,
        key,
        "{\"step\": \"charge\", \"error\": {\"text\": \"x\"}}".getBytes(StandardCharsets.UTF_8));
    kafka.sendRaw(BILLING, key + "-garbage", "not json at all".getBytes(StandardCharsets.UTF_8));

    assertThat(
            reason(
                kafka
                    .firstRaw(BILLING + ".DLT", key)
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains("source billing: field 'order.id' (execution-id) is missing or empty");
    assertThat(
            reason(
                kafka
                    .firstRaw(BILLING + ".DLT", key + "-garbage")
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains("not valid JSON");
  }

  @Test
  void externalRecordWithABadIdOrAnOversizedMessageIsDeadLetteredAndTheNextOneRuns()
      throws Exception {
    String order = "order-" + UUID.randomUUID();
    String json =
        "{\"order\": {\"id\": \"%s\"}, \"step\": \"charge\", \"attempt\": 1,"
            + " \"error\": {\"text\": \"%s\", \"kind\": \"command_failed\"}}";

    kafka.sendRaw(
        BILLING,
        order + "-large",
        json.formatted(order, "e".repeat(300_000)).getBytes(StandardCharsets.UTF_8));
    kafka.sendRaw(
        BILLING,
        order + "-forged",
        json.formatted(order + "\\nforged", "declined").getBytes(StandardCharsets.UTF_8));

    assertThat(
            reason(
                kafka
                    .firstRaw(BILLING + ".DLT", order + "-large")
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains(
            "source billing: field 'error.text' (message): 300,000 bytes, at most 262,144"
                + " (redrive.limits.max-text-bytes)");
    assertThat(
            reason(
                kafka
                    .firstRaw(BILLING + ".DLT", order + "-forged")
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains("source billing: field 'order.id' (execution-id): character U+000A");

    kafka.sendRaw(
        BILLING, order, json.formatted(order, "declined").getBytes(StandardCharsets.UTF_8));
    RetryCommand retry =
        (RetryCommand) ((CommandEvent) kafka.read(BILLING_COMMANDS, order, 1).get(0)).getPayload();
    assertThat(retry.getContext().getPriorAttempts().get(0).getMessage()).isEqualTo("declined");
  }

  @Test
  void avroFailureOfAnotherSystemIsReadWithTheRegistry() throws Exception {
    String shipment = "shipment-" + UUID.randomUUID();
    GenericRecord failed = new GenericData.Record(SHIPMENT_FAILED);
    failed.put("shipmentId", shipment);
    failed.put("stage", "label");
    failed.put("reason", "carrier API timed out");
    failed.put("carrier", "ups");

    kafka.send(SHIPPING, shipment, failed);

    RetryCommand retry =
        (RetryCommand)
            ((CommandEvent) kafka.read(SHIPPING_COMMANDS, shipment, 1).get(0)).getPayload();
    assertThat(retry.getPhase()).isEqualTo("label");
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
    assertThat(retry.getContext().getPriorAttempts().get(0).getMessage())
        .isEqualTo("carrier API timed out");
  }

  @Test
  void avroRecordWithABadIdOrAnOversizedReasonIsDeadLetteredAndTheNextOneRuns() throws Exception {
    // given two Avro failures of another system that break the intake limits
    String shipment = "shipment-" + UUID.randomUUID();
    GenericRecord forged = new GenericData.Record(SHIPMENT_FAILED);
    forged.put("shipmentId", shipment + "\nforged");
    forged.put("stage", "label");
    forged.put("reason", "carrier API timed out");
    GenericRecord large = new GenericData.Record(SHIPMENT_FAILED);
    large.put("shipmentId", shipment);
    large.put("stage", "label");
    large.put("reason", "r".repeat(300_000));

    // when they are published, then a valid one
    kafka.send(SHIPPING, shipment + "-forged", forged);
    kafka.send(SHIPPING, shipment + "-large", large);
    GenericRecord valid = new GenericData.Record(SHIPMENT_FAILED);
    valid.put("shipmentId", shipment);
    valid.put("stage", "label");
    valid.put("reason", "carrier API timed out");
    kafka.send(SHIPPING, shipment, valid);

    // then each bad one is in the DLT with its reason, and the valid one gets its command
    assertThat(
            reason(
                kafka
                    .firstRaw(SHIPPING + ".DLT", shipment + "-forged")
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains("source shipping: field 'shipmentId' (execution-id): character U+000A");
    assertThat(
            reason(
                kafka
                    .firstRaw(SHIPPING + ".DLT", shipment + "-large")
                    .headers()
                    .lastHeader(RedriveHeaders.DLT_REASON)
                    .value()))
        .contains("source shipping: field 'reason' (message): 300,000 bytes, at most 262,144");
    RetryCommand retry =
        (RetryCommand)
            ((CommandEvent) kafka.read(SHIPPING_COMMANDS, shipment, 1).get(0)).getPayload();
    assertThat(retry.getAttemptNumber()).isEqualTo(2);
  }

  @Test
  void aPollOfManyFailuresIsDecidedInOneTransaction() {
    // given twenty failures of the source that arrive in one poll
    List<String> orders = orders("batch", 20);

    kafka.sendRawInOneTransaction(BILLING, 0, failures(orders));

    // then each gets one retry command, and all were recorded by one database transaction
    assertThat(kafka.countByKey(BILLING_COMMANDS, orders)).hasSize(20).containsOnlyKeys(orders);
    assertThat(
            coordinator
                .jdbc()
                .sql("SELECT count(DISTINCT xmin::text) FROM attempt WHERE execution_id IN (:ids)")
                .param("ids", orders)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void aBadRecordInTheMiddleOfAPollIsDeadLetteredAndTheOthersAreDecidedOnce() throws Exception {
    // given one poll: two failures, a record without its execution id, two more failures
    List<String> orders = orders("middle", 4);
    String broken = "middle-broken-" + UUID.randomUUID();
    Map<String, byte[]> poll = new LinkedHashMap<>(failures(orders.subList(0, 2)));
    poll.put(broken, "{\"step\": \"charge\", \"error\": {\"text\": \"x\"}}".getBytes(UTF_8));
    poll.putAll(failures(orders.subList(2, 4)));

    kafka.sendRawInOneTransaction(BILLING, 0, poll);

    // then the bad one is in the DLT with its reason, and each good one was decided exactly once
    assertThat(
            reason(
                kafka.firstRaw(BILLING + ".DLT", broken).headers().lastHeader(DLT_REASON).value()))
        .contains("source billing: field 'order.id' (execution-id) is missing or empty");
    assertThat(kafka.countByKey(BILLING_COMMANDS, orders))
        .containsOnlyKeys(orders)
        .allSatisfy((order, commands) -> assertThat(commands).isOne());
    assertThat(failuresCounted(orders)).containsOnly(1);
  }

  @Test
  void aPollDeliveredAgainAfterACrashDecidesOnlyTheFailuresItHadNotDecided() throws Exception {
    // given a poll of failures, decided and committed
    List<String> decided = orders("redelivered", 5);
    kafka.sendRawInOneTransaction(BILLING, 0, failures(decided));
    assertThat(kafka.countByKey(BILLING_COMMANDS, decided)).hasSize(5);

    // when the coordinator stops and its group goes back to the first of them, as after a crash
    // between the database's commit and the offsets', and new failures follow them
    long first = sourceOffset(decided.get(0));
    List<String> fresh = orders("after-crash", 2);
    coordinator.stop();
    try {
      kafka.commitOffset(
          "coordinator-" + coordinator.databaseUrl.hashCode(),
          new TopicPartition(BILLING, 0),
          first);
      kafka.sendRawInOneTransaction(BILLING, 0, failures(fresh));
    } finally {
      coordinator.start();
    }

    // then the poll that holds them all decides the new ones and none of the others again
    List<String> all = new ArrayList<>(decided);
    all.addAll(fresh);
    assertThat(kafka.countByKey(BILLING_COMMANDS, all))
        .containsOnlyKeys(all)
        .allSatisfy((order, commands) -> assertThat(commands).isOne());
    assertThat(failuresCounted(all)).containsOnly(1);
  }

  private static List<String> orders(String prefix, int count) {
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      orders.add(prefix + "-" + i + "-" + UUID.randomUUID());
    }
    return orders;
  }

  /** A first failure of phase charge for each order, in the order given. */
  private static Map<String, byte[]> failures(List<String> orders) {
    Map<String, byte[]> failures = new LinkedHashMap<>();
    for (String order : orders) {
      failures.put(
          order,
          ("{\"order\": {\"id\": \"%s\"}, \"step\": \"charge\", \"attempt\": 1,"
                  + " \"error\": {\"text\": \"declined\", \"kind\": \"command_failed\"}}")
              .formatted(order)
              .getBytes(UTF_8));
    }
    return failures;
  }

  /** The failures counted for each of these executions. */
  private static List<Integer> failuresCounted(List<String> orders) {
    return coordinator
        .jdbc()
        .sql("SELECT failed_attempts FROM phase_failure_count WHERE execution_id IN (:ids)")
        .param("ids", orders)
        .query(Integer.class)
        .list();
  }

  /**
   * The source record's offset, from the attempt's {@code source.record} (topic-partition@offset).
   */
  private static long sourceOffset(String order) {
    String coordinates =
        coordinator
            .jdbc()
            .sql("SELECT attributes ->> 'source.record' FROM attempt WHERE execution_id = ?")
            .param(order)
            .query(String.class)
            .single();
    return Long.parseLong(coordinates.substring(coordinates.lastIndexOf('@') + 1));
  }

  private static String reason(byte[] header) {
    return new String(header, StandardCharsets.UTF_8);
  }
}
