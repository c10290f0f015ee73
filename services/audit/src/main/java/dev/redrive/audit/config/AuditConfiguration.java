package dev.redrive.audit.config;

import dev.redrive.audit.app.AuditTrail;
import dev.redrive.audit.app.ExecutionIndex;
import dev.redrive.audit.app.PurgeExpiredEvents;
import dev.redrive.audit.app.RunnerDiffs;
import dev.redrive.audit.app.StreamAdmission;
import dev.redrive.audit.app.StreamLimits;
import dev.redrive.audit.runner.HttpRunnerDiffs;
import dev.redrive.audit.web.WebSettings;
import dev.redrive.support.config.RedriveProperties;
import dev.redrive.support.topic.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/** Turns the audit's settings into the objects the use cases need. */
@Configuration
@EnableScheduling
@EnableConfigurationProperties(AuditProperties.class)
class AuditConfiguration {

  @Bean
  AuditedTopics auditedTopics(AuditProperties properties) {
    return properties.auditedTopics();
  }

  /**
   * The further command topics and their dead-letter topics (the audit dead-letters a bad record
   * there: no Redrive group owns them), created at start when missing (when {@code
   * redrive.kafka.create-topics} is on, as for Redrive's own), so the listener finds them.
   */
  @Bean
  KafkaAdmin.NewTopics commandTopics(AuditProperties properties, RedriveProperties redrive) {
    return new KafkaAdmin.NewTopics(
        redrive.kafka().createTopics()
            ? properties.commandTopics().stream()
                .flatMap(name -> Stream.of(name, name + Topic.DLT_SUFFIX))
                .map(
                    name ->
                        TopicBuilder.name(name)
                            .partitions(redrive.kafka().partitions())
                            .replicas(redrive.kafka().replicationFactor())
                            .build())
                .toArray(NewTopic[]::new)
            : new NewTopic[0]);
  }

  @Bean
  StreamLimits streamLimits(AuditProperties properties) {
    return properties.streamLimits();
  }

  /** The places for live streams, one count for an execution's events and the index alike. */
  @Bean
  StreamAdmission streamAdmission(StreamLimits limits) {
    return new StreamAdmission(limits.maxClients(), limits.maxClientsPerAddress());
  }

  @Bean
  WebSettings webSettings(AuditProperties properties) {
    return properties.webSettings();
  }

  /** The phase-runner's diffs, for the execution page ({@code redrive.audit.runner-*}). */
  @Bean
  RunnerDiffs runnerDiffs(AuditProperties properties, MeterRegistry meters) {
    return new HttpRunnerDiffs(
        properties.runnerUri(),
        properties.runnerToken(),
        properties.runnerTimeout(),
        RUNNER_DIFF_MAX_BYTES,
        JsonMapper.builder().build(),
        meters);
  }

  /** The largest diff answer the audit reads from the phase-runner. */
  static final int RUNNER_DIFF_MAX_BYTES = 4 * 1024 * 1024;

  @Bean
  PurgeExpiredEvents purgeExpiredEvents(
      AuditTrail store,
      ExecutionIndex index,
      AuditProperties properties,
      Clock clock,
      MeterRegistry meters) {
    return new PurgeExpiredEvents(
        store, index, properties.toRetention(), properties.retentionBatchSize(), clock, meters);
  }
}
