package dev.redrive.coordinator.config;

import dev.redrive.coordinator.app.ExecutionQueries;
import dev.redrive.coordinator.app.RequestRetry;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryBudget;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.support.config.RedriveProperties;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** Turns the coordinator's settings into the domain objects the use cases need. */
@Configuration
@EnableConfigurationProperties(CoordinatorProperties.class)
class CoordinatorConfiguration {

  @Bean
  PolicyCatalog policyCatalog(CoordinatorProperties properties) {
    Map<String, PolicyOverride> bySource = new HashMap<>();
    properties
        .sources()
        .forEach(
            (name, source) -> {
              if (source.policy() != null) {
                bySource.put(name, source.policy().toOverride());
              }
            });
    Map<String, PolicyOverride> byPipeline = new HashMap<>();
    Map<String, Map<String, PolicyOverride>> byPhase = new HashMap<>();
    properties
        .pipelines()
        .forEach(
            (name, pipeline) -> {
              if (pipeline.policy() != null) {
                byPipeline.put(name, pipeline.policy().toOverride());
              }
              if (pipeline.phases() != null) {
                Map<String, PolicyOverride> phases = new HashMap<>();
                pipeline.phases().forEach((phase, p) -> phases.put(phase, p.toOverride()));
                byPhase.put(name, phases);
              }
            });
    return new PolicyCatalog(properties.policy().toRetryPolicy(), bySource, byPipeline, byPhase);
  }

  @Bean
  RetryBudget retryBudget(CoordinatorProperties properties) {
    return properties.budget().toRetryBudget();
  }

  @Bean
  RetryContextAssembler retryContextAssembler(CoordinatorProperties properties) {
    return new RetryContextAssembler(properties.contextMaxChars());
  }

  @Bean
  RandomGenerator jitterRandom() {
    return new SecureRandom();
  }

  @Bean
  CommandRouting commandRouting(CoordinatorProperties properties) {
    return CommandRouting.from(properties);
  }

  @Bean
  RequestRetry.RunnerSource runnerSource(CoordinatorProperties properties) {
    return new RequestRetry.RunnerSource(properties.runnerSource());
  }

  /** The sources' failure topics and command topics, and their dead-letter topics. */
  @Bean
  KafkaAdmin.NewTopics sourceTopics(CoordinatorProperties properties, RedriveProperties redrive) {
    List<NewTopic> topics = new ArrayList<>();
    if (redrive.kafka().createTopics()) {
      properties
          .sources()
          .values()
          .forEach(
              source -> {
                List<String> names =
                    new ArrayList<>(List.of(source.topic(), source.topic() + Topic.DLT_SUFFIX));
                if (!source.commandTopic().isBlank()) {
                  names.add(source.commandTopic());
                }
                names.forEach(
                    name ->
                        topics.add(
                            TopicBuilder.name(name)
                                .partitions(redrive.kafka().partitions())
                                .replicas(redrive.kafka().replicationFactor())
                                .build()));
              });
    }
    return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
  }

  /** PAUSED executions right now (one query per scrape). */
  @Bean
  Gauge pausedExecutions(MeterRegistry meters, ExecutionQueries queries) {
    return Gauge.builder("redrive.executions.paused", queries, ExecutionQueries::countPaused)
        .description("Executions paused for a person")
        .register(meters);
  }
}
