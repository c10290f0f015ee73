package dev.redrive.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.testkit.EmbeddedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PipeProcessIT {

  private static final int RECORDS = 300;

  private static EmbeddedInfrastructure infrastructure;

  @BeforeAll
  static void start() {
    infrastructure = EmbeddedInfrastructure.start();
  }

  @AfterAll
  static void stop() {
    infrastructure.close();
  }

  @Test
  void shouldPipeEveryRecordFromAJvmOfItsOwnAndEndThatJvmOnClose() throws Exception {
    // given: records on the pipe's input topic
    String bootstrap = infrastructure.kafkaBootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("pipe-in", 3, (short) 1), new NewTopic("pipe-out", 3, (short) 1)))
          .all()
          .get();
    }
    Set<String> sent = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        String value = "record-" + i;
        sent.add(value);
        producer.send(new ProducerRecord<>("pipe-in", value.getBytes(StandardCharsets.UTF_8)));
      }
    }
    // -cp, not Benchmark.childCommand's -jar: under failsafe the class path is one manifest jar
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dredrive.bench.log=" + Path.of("target", "pipe-process-it.log").toAbsolutePath(),
            "-cp",
            System.getProperty("java.class.path"),
            Benchmark.class.getName(),
            Benchmark.SERVE_PIPE,
            bootstrap);

    // when: the child JVM holds its partitions, then pipes the records in a transaction per poll
    ProcessHandle child;
    List<String> received = new ArrayList<>();
    PipeProcess pipes = PipeProcess.launch(command);
    try {
      child = ProcessHandle.of(pipes.pid()).orElseThrow();
      PipeProcess.Pipe pipe = pipes.open("pipe-in", "pipe-out", "pipe-process-it", true);
      pipe.startHeld();
      pipe.awaitHeld(Duration.ofSeconds(60));
      try (KafkaConsumer<byte[], byte[]> out =
          RawPipe.bytesConsumer(bootstrap, "pipe-out-reader")) {
        out.subscribe(List.of("pipe-out"));
        // held: it has its partitions and consumes nothing until released
        long held = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < held) {
          out.poll(Duration.ofMillis(200)).forEach(r -> received.add("early"));
        }
        assertThat(received).isEmpty();
        pipe.release();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < RECORDS && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : out.poll(Duration.ofMillis(200))) {
            received.add(new String(record.value(), StandardCharsets.UTF_8));
          }
        }
      }

      // then: each record once, no failure, and the pipe's transactions reported
      assertThat(received).hasSize(RECORDS);
      assertThat(new HashSet<>(received)).isEqualTo(sent);
      assertThat(pipe.failure()).isNull();
      assertThat(pipe.transactionStats()).contains("transactions of");
      // and: a command the child cannot carry out is an error here, with the child's reason
      assertThatThrownBy(() -> pipes.open("pipe-in", "pipe-out", "another", true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("a pipe is open; close it first");
      pipe.close();
      assertThatThrownBy(pipe::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no pipe is open");
    } finally {
      pipes.close();
    }

    // and: closing its input ended the child JVM
    assertThat(child.isAlive()).isFalse();
  }
}
