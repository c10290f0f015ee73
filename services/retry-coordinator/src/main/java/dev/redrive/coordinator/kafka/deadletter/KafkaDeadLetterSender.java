package dev.redrive.coordinator.kafka.deadletter;

import dev.redrive.coordinator.app.deadletter.DeadLetterSender;
import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Sends a dead letter back to its original topic as it was: its key, its value bytes untouched (no
 * re-encoding), its own headers, and {@code redrive-replay-count}; the key picks the partition, so
 * the record lands beside the other events of its execution. Waits for the broker's answer.
 */
@Component
class KafkaDeadLetterSender implements DeadLetterSender, DisposableBean {

  private static final long SEND_TIMEOUT_SECONDS = 30;

  private final KafkaProducer<byte[], byte[]> producer;

  KafkaDeadLetterSender(KafkaProperties kafkaProperties) {
    Map<String, Object> config = new HashMap<>(kafkaProperties.buildProducerProperties());
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "coordinator-dead-letter-replay");
    this.producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public void send(DeadLetter letter, int replayCount) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            letter.originalTopic(),
            null,
            letter.key() == null ? null : letter.key().getBytes(StandardCharsets.UTF_8),
            letter.value(),
            DeadLetterRecords.replayHeaders(letter, replayCount));
    try {
      producer.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while replaying " + letter.at(), e);
    } catch (ExecutionException e) {
      throw new KafkaException(
          "%s: %s".formatted(e.getCause().getClass().getSimpleName(), e.getCause().getMessage()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException(
          "no answer from the broker within %d s".formatted(SEND_TIMEOUT_SECONDS), e);
    }
  }

  @Override
  public void destroy() {
    producer.close();
  }
}
