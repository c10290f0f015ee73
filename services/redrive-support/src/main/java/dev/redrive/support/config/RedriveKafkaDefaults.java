package dev.redrive.support.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
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
 */
public class RedriveKafkaDefaults implements EnvironmentPostProcessor, Ordered {

  static final String ISOLATION_LEVEL = "spring.kafka.consumer.isolation-level";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    DefaultPropertiesPropertySource.addOrMerge(
        Map.of(ISOLATION_LEVEL, "read_committed"), environment.getPropertySources());
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
