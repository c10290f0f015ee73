package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.Retryability;
import dev.redrive.support.kafka.RedriveHeaders;
import dev.redrive.support.topic.RedriveTopics;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * A record so close to the broker's size limit that it no longer fits with the dead-letter headers:
 * it is dead-lettered without its value (the reason says where it is), and the partition goes on.
 * Before, the dead-letter send failed, the record was tried again and again, and every later
 * failure on its partition waited forever.
 */
class OversizedDeadLetterIT {

  private static CoordinatorUnderTest coordinator;
  private static KafkaProbe kafka;

  @BeforeAll
  static void startCoordinator() {
    coordinator = new CoordinatorUnderTest("redrive.coordinator.policy.initial-interval=100ms");
    kafka = new KafkaProbe(coordinator.infrastructure, coordinator.registryUrl);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    coordinator.close();
  }

  @Test
  void aLargeRecordThatFitsWithItsHeadersIsDeadLetteredWhole() throws Exception {
    // 900,000 bytes of garbage: the deserializer's exception header repeats them, but the dead
    // letter drops that header, so the whole record fits (fault case 10 sends these)
    String id = "large-" + UUID.randomUUID();
    String topic = RedriveTopics.ATTEMPTS.name();

    kafka.sendRaw(topic, 1, id, new byte[900_000]);

    ConsumerRecord<String, byte[]> dead = kafka.firstRaw(topic + ".DLT", id);
    assertThat(dead.value()).hasSize(900_000);
    assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP))
        .isEqualTo("coordinator-attempts");
  }

  @Test
  void aRecordTooLargeToDeadLetterWithItsHeadersIsDeadLetteredWithoutItsValue() throws Exception {
    String id = "oversized-" + UUID.randomUUID();
    String topic = RedriveTopics.ATTEMPTS.name();

    // given a record of 1,047,000 bytes that is not Avro, then a valid failure, on one partition
    kafka.sendRaw(topic, 0, id + "-poison", new byte[1_047_000]);
    kafka.send(
        topic,
        0,
        id,
        TestEvents.failure(id, "billing", "payments", "charge", 1, Retryability.SOFT));

    // then the poison is dead-lettered without its value, saying why and where it is
    ConsumerRecord<String, byte[]> dead = kafka.firstRaw(topic + ".DLT", id + "-poison");
    assertThat(dead.value()).isNull();
    assertThat(header(dead, RedriveHeaders.DLT_REASON))
        .contains("was too large to copy here with its headers: read it at " + topic + "-0@");
    assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
    assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP))
        .isEqualTo("coordinator-attempts");

    // and the failure behind it on the same partition gets its retry command
    assertThat(kafka.read(RedriveTopics.COMMANDS.name(), id, 1)).hasSize(1);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
