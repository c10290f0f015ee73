package dev.redrive.coordinator.config;

import dev.redrive.coordinator.app.ExecutionQueries;
import dev.redrive.coordinator.app.FingerprintSettings;
import dev.redrive.coordinator.app.RequestRetry;
import dev.redrive.coordinator.app.deadletter.DeadLetterLimits;
import dev.redrive.coordinator.app.whatif.WhatIfLimits;
import dev.redrive.coordinator.domain.PolicyCatalog;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RepeatedFailureRule;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.config.RedriveProperties;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
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

  /**
   * The policies by source, pipeline and phase. Each override is applied to the policy it overrides
   * here, at start, so a value no policy may have (a max-interval over a year, a negative one)
   * stops the coordinator naming its key, instead of dead-lettering every failure it covers.
   */
  @Bean
  PolicyCatalog policyCatalog(CoordinatorProperties properties) {
    String prefix = "redrive.coordinator.";
    RetryPolicy defaults = checked(prefix + "policy", () -> properties.policy().toRetryPolicy());
    Map<String, PolicyOverride> bySource = new HashMap<>();
    properties
        .sources()
        .forEach(
            (name, source) -> {
              if (source.policy() != null) {
                PolicyOverride override = source.policy().toOverride();
                checked(prefix + "sources." + name + ".policy", () -> override.applyTo(defaults));
                bySource.put(name, override);
              }
            });
    Map<String, PolicyOverride> byPipeline = new HashMap<>();
    Map<String, Map<String, PolicyOverride>> byPhase = new HashMap<>();
    properties
        .pipelines()
        .forEach(
            (name, pipeline) -> {
              String key = prefix + "pipelines." + name;
              PolicyOverride forPipeline =
                  pipeline.policy() == null ? PolicyOverride.NONE : pipeline.policy().toOverride();
              RetryPolicy pipelinePolicy =
                  checked(key + ".policy", () -> forPipeline.applyTo(defaults));
              byPipeline.put(name, forPipeline);
              if (pipeline.phases() != null) {
                Map<String, PolicyOverride> phases = new HashMap<>();
                pipeline
                    .phases()
                    .forEach(
                        (phase, settings) -> {
                          PolicyOverride forPhase = settings.toOverride();
                          checked(key + ".phases." + phase, () -> forPhase.applyTo(pipelinePolicy));
                          phases.put(phase, forPhase);
                        });
                byPhase.put(name, phases);
              }
            });
    return new PolicyCatalog(defaults, bySource, byPipeline, byPhase);
  }

  /** Builds a policy, or stops the start naming the configuration key that made it invalid. */
  private static RetryPolicy checked(String key, Supplier<RetryPolicy> policy) {
    try {
      return policy.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "%s: %s. Correct it in the configuration.".formatted(key, e.getMessage()), e);
    }
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

  /** The bounds of listing and replaying dead letters. */
  @Bean
  DeadLetterLimits deadLetterLimits(CoordinatorProperties properties) {
    var settings = properties.deadLetters();
    return new DeadLetterLimits(
        settings.maxScanned(),
        settings.maxReplay(),
        settings.maxRate(),
        settings.defaultRate(),
        settings.maxReplayDuration());
  }

  /**
   * How error fingerprints are used; a value the rule cannot take stops the start naming its key.
   */
  @Bean
  FingerprintSettings fingerprintSettings(CoordinatorProperties properties) {
    var settings = properties.fingerprints();
    String prefix = "redrive.coordinator.fingerprints.";
    RepeatedFailureRule repeated;
    try {
      repeated =
          new RepeatedFailureRule(
              settings.stopRepeated(),
              settings.repeatedCount(),
              settings.stopTypes() == null ? Set.of() : settings.stopTypes());
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().startsWith("types") ? "stop-types" : "repeated-count";
      throw new IllegalStateException(
          "%s%s: %s. Correct it in the configuration.".formatted(prefix, key, e.getMessage()), e);
    }
    try {
      return new FingerprintSettings(
          repeated,
          settings.maxClasses(),
          settings.suggestMinRetries(),
          settings.suggestBelowRate(),
          settings.historyDefaultWindow(),
          settings.historyMaxWindow());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "%s%s. Correct it in the configuration."
              .formatted(
                  prefix,
                  e.getMessage()
                      .replace("default-window", "history-default-window")
                      .replace("max-window", "history-max-window")),
          e);
    }
  }

  /** The bounds of a what-if. */
  @Bean
  WhatIfLimits whatIfLimits(CoordinatorProperties properties) {
    return new WhatIfLimits(properties.whatIf().maxAttempts());
  }

  /** PAUSED executions right now (one query per scrape). */
  @Bean
  Gauge pausedExecutions(MeterRegistry meters, ExecutionQueries queries) {
    return Gauge.builder("redrive.executions.paused", queries, ExecutionQueries::countPaused)
        .description("Executions paused for a person")
        .register(meters);
  }
}
