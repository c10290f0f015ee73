package dev.redrive.coordinator.kafka.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

  @Test
  void shouldReadWhereADeadLetterCameFromAndWhy() {
    DeadLetter letter = DeadLetterRecords.letter(record(deadLetterHeaders("1")));

    assertThat(letter.at().toString()).isEqualTo("redrive.attempts.DLT/2/40");
    assertThat(letter.originalTopic()).isEqualTo("redrive.attempts");
    assertThat(letter.originalPartition()).isEqualTo(1);
    assertThat(letter.originalOffset()).isEqualTo(77);
    assertThat(letter.group()).isEqualTo("coordinator-attempts");
    assertThat(letter.reason()).isEqualTo("InvalidEventException: no id");
    assertThat(letter.key()).isEqualTo("exec_1");
    assertThat(letter.replayCount()).isEqualTo(1);
    assertThat(letter.reparked()).isTrue();
  }

  @Test
  void shouldTakeTheOriginalTopicFromTheNameWithoutHeadersAndCountNoReplay() {
    DeadLetter letter = DeadLetterRecords.letter(record(new RecordHeaders()));

    assertThat(letter.originalTopic()).isEqualTo("redrive.attempts");
    assertThat(letter.originalPartition()).isEqualTo(-1);
    assertThat(letter.reason()).isNull();
    assertThat(letter.replayCount()).isZero();
  }

  @Test
  void shouldNeverTakeTheTopicToReplayToFromAHeader() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("kafka_dlt-original-topic", "payments.ledger".getBytes(StandardCharsets.UTF_8));

    assertThat(DeadLetterRecords.letter(record(headers)).originalTopic())
        .isEqualTo("redrive.attempts");
  }

  @Test
  void shouldReplayTheRecordsOwnHeadersWithoutTheDeadLetterOnesAndWithTheNewCount() {
    Headers headers = deadLetterHeaders("1");
    headers.add("redrive-event-type", "AttemptFailed".getBytes(StandardCharsets.UTF_8));
    headers.add("springDeserializerExceptionValue", new byte[] {1});

    Headers replayed =
        DeadLetterRecords.replayHeaders(DeadLetterRecords.letter(record(headers)), 2);

    List<String> names = new ArrayList<>();
    replayed.forEach(h -> names.add(h.key()));
    assertThat(names).containsExactly("traceparent", "redrive-event-type", "redrive-replay-count");
    assertThat(
            Optional.ofNullable(replayed.lastHeader("redrive-replay-count"))
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)))
        .contains("2");
  }

  private static Headers deadLetterHeaders(String replayCount) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
    headers.add("redrive-replay-count", replayCount.getBytes(StandardCharsets.UTF_8));
    headers.add("kafka_dlt-original-topic", "redrive.attempts".getBytes(StandardCharsets.UTF_8));
    headers.add("kafka_dlt-original-partition", ByteBuffer.allocate(4).putInt(1).array());
    headers.add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(77).array());
    headers.add(
        "kafka_dlt-original-consumer-group",
        "coordinator-attempts".getBytes(StandardCharsets.UTF_8));
    headers.add("kafka_dlt-exception-message", "wrapped".getBytes(StandardCharsets.UTF_8));
    headers.add(
        "redrive-dlt-reason", "InvalidEventException: no id".getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static ConsumerRecord<byte[], byte[]> record(Headers headers) {
    return new ConsumerRecord<>(
        "redrive.attempts.DLT",
        2,
        40,
        1_700_000_000_000L,
        TimestampType.CREATE_TIME,
        6,
        3,
        "exec_1".getBytes(StandardCharsets.UTF_8),
        "abc".getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }
}
