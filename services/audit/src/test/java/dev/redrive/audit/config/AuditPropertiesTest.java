package dev.redrive.audit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AuditPropertiesTest {

  @Test
  void withoutSettingsEveryEventIsKeptForever() {
    AuditProperties properties = bind(Map.of());

    assertThat(properties.toRetention().keepsForever()).isTrue();
    assertThat(properties.retentionBatchSize()).isEqualTo(1000);
    assertThat(properties.streamTimeout()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void retentionIsADurationSuchAsThirtyDays() {
    AuditProperties properties =
        bind(Map.of("redrive.audit.retention", "30d", "redrive.audit.retention-interval", "10m"));

    assertThat(properties.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(properties.toRetention().keepsForever()).isFalse();
    assertThat(properties.retentionInterval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> bind(Map.of("redrive.audit.retention", "-1d")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("redrive.audit.retention must be 0 (keep forever) or a positive");
    assertThatThrownBy(() -> bind(Map.of("redrive.audit.stream-timeout", "0s")))
        .rootCause()
        .hasMessageContaining("redrive.audit.stream-timeout must be a positive duration");
  }

  @Test
  void furtherCommandTopicsAreAuditedAfterRedrivesOwnAndBadNamesAreRefused() {
    AuditProperties properties =
        bind(Map.of("redrive.audit.command-topics", "billing.commands,redrive.commands"));

    assertThat(properties.auditedTopics().names())
        .contains("redrive.attempts", "redrive.commands")
        .endsWith("billing.commands")
        .doesNotHaveDuplicates();
    assertThatThrownBy(() -> bind(Map.of("redrive.audit.command-topics", "billing commands")))
        .rootCause()
        .hasMessageContaining("redrive.audit.command-topics[0] must be a Kafka topic name");
    assertThatThrownBy(() -> bind(Map.of("redrive.audit.command-topics", "x".repeat(250))))
        .rootCause()
        .hasMessageContaining("redrive.audit.command-topics[0]");
  }

  private static AuditProperties bind(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("redrive.audit", AuditProperties.class);
  }
}
