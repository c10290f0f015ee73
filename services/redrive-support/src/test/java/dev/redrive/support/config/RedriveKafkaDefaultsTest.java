package dev.redrive.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class RedriveKafkaDefaultsTest {

  @Test
  void consumersReadOnlyCommittedRecordsByDefault() {
    // given an environment where nobody chose an isolation level
    StandardEnvironment environment = new StandardEnvironment();

    // when Redrive's defaults are applied
    new RedriveKafkaDefaults().postProcessEnvironment(environment, null);

    // then every consumer built from spring.kafka.* reads committed records only
    assertThat(consumerProperties(environment))
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }

  @Test
  void aConsumerGroupIdThatNoListenerWouldUseStopsTheStartNamingWhereItWasSet() {
    // given a setting that looks like it renames the consumer groups
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "application.yml", Map.of("spring.kafka.consumer.group-id", "my-group")));

    // when Redrive's defaults are applied, then the start stops with the key and its source
    assertThatThrownBy(() -> new RedriveKafkaDefaults().postProcessEnvironment(environment, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("spring.kafka.consumer.group-id is set (")
        .hasMessageContaining("from property source \"application.yml\"")
        .hasMessageContaining("coordinator-attempts")
        .hasMessageContaining("redrive.coordinator.sources-group-id");
  }

  @Test
  void aUsersExplicitIsolationLevelStillApplies() {
    // given a user's own setting (any property source: a file, an argument, the environment)
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "user", Map.of("spring.kafka.consumer.isolation-level", "read_uncommitted")));

    // when Redrive's defaults are applied
    new RedriveKafkaDefaults().postProcessEnvironment(environment, null);

    // then the user's choice wins
    assertThat(consumerProperties(environment))
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
  }

  @Test
  void withoutRedrivesDefaultsSpringBootWouldReadUncommittedRecords() {
    // the reason for the default property: Boot always passes its own read_uncommitted
    assertThat(consumerProperties(new StandardEnvironment()))
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
  }

  private static Map<String, Object> consumerProperties(StandardEnvironment environment) {
    KafkaProperties kafka =
        Binder.get(environment)
            .bind("spring.kafka", KafkaProperties.class)
            .orElseGet(KafkaProperties::new);
    return kafka.buildConsumerProperties();
  }
}
