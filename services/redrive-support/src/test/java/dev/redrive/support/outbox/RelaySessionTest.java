package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.support.outbox.RelaySession.OutboxRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class RelaySessionTest {

  @Test
  void shouldGroupMessagesByTheirRowKeepingTheOrder() {
    OutboxRow a1 = message(3, "a1");
    OutboxRow a2 = message(3, "a2");
    OutboxRow b1 = message(9, "b1");
    OutboxRow c1 = message(5, "c1");

    assertThat(RelaySession.byRow(List.of(a1, a2, b1, c1)))
        .containsExactly(List.of(a1, a2), List.of(b1), List.of(c1));
    assertThat(RelaySession.rowIds(List.of(a1, a2, b1, c1))).containsExactly(3, 9, 5);
  }

  @Test
  void shouldCompressWithLz4UnlessTheServiceChoseACompression() {
    Map<String, Object> config =
        RelaySession.producerConfig(Map.of("bootstrap.servers", "b:9092"), "relay-0", 30_000);

    assertThat(config)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "relay-0")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry("bootstrap.servers", "b:9092");
    assertThat(
            RelaySession.producerConfig(
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"), "relay-0", 30_000))
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
  }

  private static OutboxRow message(long id, String eventId) {
    return new OutboxRow(id, "topic", "key", eventId, "RetryRequested", new byte[0], Instant.EPOCH);
  }
}
