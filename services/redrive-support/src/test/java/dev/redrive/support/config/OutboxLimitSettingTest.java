package dev.redrive.support.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxLimitSettingTest {

  @Test
  void shouldFailStartUpNamingTheKeyWhenTheLimitExceedsTheProducersMaxRequestSize() {
    assertThatThrownBy(
            () ->
                RedriveSupportAutoConfiguration.checkMessageLimit(
                    2_000_000, Map.of("max.request.size", "1048576")))
        .hasMessageContaining("redrive.outbox.max-message-bytes (2000000)")
        .hasMessageContaining("max.request.size (1048576)");
    assertThatThrownBy(() -> RedriveSupportAutoConfiguration.checkMessageLimit(1_048_577, Map.of()))
        .hasMessageContaining("redrive.outbox.max-message-bytes");
  }

  @Test
  void shouldAcceptTheDefaultLimitWithTheProducersDefault() {
    assertThatCode(() -> RedriveSupportAutoConfiguration.checkMessageLimit(1_000_000, Map.of()))
        .doesNotThrowAnyException();
  }
}
