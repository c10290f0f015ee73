package dev.redrive.audit.config;

import dev.redrive.audit.app.AuditTrail;
import dev.redrive.audit.app.ExecutionIndex;
import dev.redrive.audit.app.PurgeExpiredEvents;
import dev.redrive.audit.app.StreamAdmission;
import dev.redrive.audit.app.StreamLimits;
import dev.redrive.audit.web.WebSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns the audit's settings into the objects the use cases need. */
@Configuration
@EnableScheduling
@EnableConfigurationProperties(AuditProperties.class)
class AuditConfiguration {

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
