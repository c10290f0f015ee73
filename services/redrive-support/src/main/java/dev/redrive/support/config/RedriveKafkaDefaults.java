package dev.redrive.support.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Kafka settings every Redrive service starts from, as Spring Boot default properties (the lowest
 * precedence): any {@code spring.kafka.*} a user sets, in a file, an argument or an environment
 * variable, wins.
 *
 * <p>{@code spring.kafka.consumer.isolation-level=read_committed}: a Redrive consumer never sees a
 * record of an aborted or still open Kafka transaction (another system's AttemptFailed that it
 * rolled back must not become a retry). Spring Boot's own default is {@code read_uncommitted} and
 * is always passed to the consumer, so a consumer-factory customizer cannot tell it from a user's
 * choice; a default property can, and it also reaches every consumer built from {@code
 * KafkaProperties} by hand (the coordinator's external sources).
 *
 * <p>{@code spring.kafka.consumer.group-id} is refused: each Redrive listener has a consumer group
 * of its own with a fixed name ({@code runner-commands}, {@code coordinator-attempts}, ...), part
 * of the contract like the topics (the ACLs grant them), so Spring Kafka never reads that key for
 * them. Set, it would look like it renamed the groups and do nothing; the start stops naming where
 * it was set instead.
 */
public class RedriveKafkaDefaults implements EnvironmentPostProcessor, Ordered {

  static final String ISOLATION_LEVEL = "spring.kafka.consumer.isolation-level";
  static final String GROUP_ID = "spring.kafka.consumer.group-id";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    ConfigurationPropertyName groupId = ConfigurationPropertyName.of(GROUP_ID);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(groupId);
      if (property != null) {
        throw new IllegalStateException(
            ("%s is set (%s), but no Redrive listener uses it: each has a consumer group of its"
                    + " own with a fixed name (runner-commands; coordinator-attempts,"
                    + " coordinator-process-events, coordinator-requests; audit-events), which the"
                    + " Kafka ACLs grant like the topics. Remove the setting; the coordinator's"
                    + " external sources take redrive.coordinator.sources-group-id.")
                .formatted(
                    GROUP_ID,
                    property.getOrigin() == null
                        ? source.getUnderlyingSource()
                        : property.getOrigin()));
      }
    }
    DefaultPropertiesPropertySource.addOrMerge(
        Map.of(ISOLATION_LEVEL, "read_committed"), environment.getPropertySources());
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
