package dev.redrive.coordinator.config;

import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Turns the coordinator's settings into the domain objects the use cases need. */
@Configuration
@EnableConfigurationProperties(CoordinatorProperties.class)
class CoordinatorConfiguration {

  @Bean
  RetryPolicy retryPolicy(CoordinatorProperties properties) {
    return properties.policy().toRetryPolicy();
  }

  @Bean
  RetryContextAssembler retryContextAssembler(CoordinatorProperties properties) {
    return new RetryContextAssembler(properties.contextMaxChars());
  }

  @Bean
  RandomGenerator jitterRandom() {
    return new SecureRandom();
  }
}
