package dev.redrive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class BrokerProcessIT {

  /** The child JVM of the test: serves a broker like the benchmark's does. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      BrokerProcess.serve();
    }
  }

  @Test
  void shouldServeABrokerFromAJvmOfItsOwnAndEndThatJvmOnClose() throws Exception {
    // given
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName());

    // when
    ProcessHandle child;
    long closing;
    BrokerProcess broker = BrokerProcess.launch(command);
    try {
      child = ProcessHandle.of(broker.pid()).orElseThrow();

      // then: a client of this JVM creates and lists a topic on it
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("broker-process-it", 1, (short) 1))).all().get();
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .isEqualTo(Set.of("broker-process-it"));
      }
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
      assertThat(child.isAlive()).isTrue();
    } finally {
      closing = System.nanoTime();
      broker.close();
    }

    // and: closing its input ended the child JVM, well before close() would have killed it (60 s)
    assertThat(child.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(30));
  }
}
