package dev.redrive.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.bench.BenchOptions.Scenario;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void shouldRunEverythingAtFullSizeWithoutArguments() {
    BenchOptions options = BenchOptions.parse();

    assertThat(options.events()).isEqualTo(100_000);
    assertThat(options.executions()).isEqualTo(10_000);
    assertThat(options.phasesPerExecution()).isEqualTo(10);
    assertThat(options.scaleExecutions()).containsExactly(1_000, 1_000_000);
    assertThat(options.scheduleRetries()).isEqualTo(10_000);
    assertThat(options.scenarios()).isEqualTo(EnumSet.allOf(Scenario.class));
    assertThat(options.retryTopicsDefaults()).isFalse();
    assertThat(options.warmupEvents()).isEqualTo(100_000);
    assertThat(options.warmupRuns()).isEqualTo(4);
    assertThat(options.rounds()).isEqualTo(3);
  }

  @Test
  void shouldReadSmallerSizesScenariosAndCoordinatorSettings() {
    BenchOptions options =
        BenchOptions.parse(
            "--events",
            "20_000",
            "--executions=2000",
            "--scale-executions",
            "1000, 100000",
            "--scenarios",
            "throughput,scale",
            "--coordinator",
            "spring.kafka.listener.concurrency=3",
            "--postgres",
            "shared_buffers=1GB",
            "--latency-rate",
            "250.5",
            "--retry-topics",
            "defaults",
            "--warmup",
            "0",
            "--warmup-runs=9",
            "--rounds=5");

    assertThat(options.events()).isEqualTo(20_000);
    assertThat(options.executions()).isEqualTo(2_000);
    assertThat(options.scaleExecutions()).isEqualTo(List.of(1_000, 100_000));
    assertThat(options.scenarios()).containsExactlyInAnyOrder(Scenario.THROUGHPUT, Scenario.SCALE);
    assertThat(options.runs(Scenario.LATENCY)).isFalse();
    assertThat(options.coordinatorSettings())
        .isEqualTo(Map.of("spring.kafka.listener.concurrency", "3"));
    assertThat(options.postgresSettings()).isEqualTo(Map.of("shared_buffers", "1GB"));
    assertThat(options.latencyRate()).isEqualTo(250.5);
    assertThat(options.retryTopicsDefaults()).isTrue();
    assertThat(options.warmupEvents()).isZero();
    assertThat(options.warmupRuns()).isEqualTo(9);
    assertThat(options.rounds()).isEqualTo(5);
  }

  @Test
  void shouldRefuseNoWarmUpRuns() {
    assertThatThrownBy(() -> BenchOptions.parse("--warmup-runs", "0"))
        .hasMessage("--warmup-runs must be at least 1, was 0");
  }

  @Test
  void shouldRefuseRoundsBelowOne() {
    assertThatThrownBy(() -> BenchOptions.parse("--rounds", "0"))
        .hasMessage("--rounds must be at least 1, was 0");
  }

  @Test
  void shouldRefuseANegativeWarmUp() {
    assertThatThrownBy(() -> BenchOptions.parse("--warmup", "-1"))
        .hasMessage("--warmup must not be negative, was -1");
  }

  @Test
  void shouldAnswerNullForHelp() {
    assertThat(BenchOptions.parse("--events", "10", "--help")).isNull();
  }

  @Test
  void shouldRefuseWhatCannotRun() {
    assertThatThrownBy(() -> BenchOptions.parse("--events", "ten"))
        .hasMessageContaining("--events needs a whole number");
    assertThatThrownBy(() -> BenchOptions.parse("--events", "0"))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> BenchOptions.parse("--events", "100", "--executions", "1000"))
        .hasMessageContaining("must not exceed");
    assertThatThrownBy(() -> BenchOptions.parse("--scenarios", "speed"))
        .hasMessageContaining("unknown scenario 'speed'");
    assertThatThrownBy(() -> BenchOptions.parse("--coordinator", "novalue"))
        .hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(() -> BenchOptions.parse("--postgres", "=1GB"))
        .hasMessageContaining("--postgres needs KEY=VALUE");
    assertThatThrownBy(() -> BenchOptions.parse("--frobnicate", "1"))
        .hasMessageContaining("unknown option --frobnicate");
    assertThatThrownBy(() -> BenchOptions.parse("--events")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse("--retry-topics", "fast"))
        .hasMessageContaining("tuned, defaults or none");
    assertThat(BenchOptions.parse("--scale-executions", "1000,10_000_000").scaleExecutions())
        .containsExactly(1_000, 10_000_000);
    assertThatThrownBy(() -> BenchOptions.parse("--scale-executions", "1000,20000001"))
        .hasMessageContaining("--scale-executions: at most 20,000,000 executions, was 20,000,001");
  }

  @Test
  void shouldLeaveTheRetryTopicsOutWhenAskedTo() {
    BenchOptions options = BenchOptions.parse("--retry-topics", "none");

    assertThat(options.measuresRetryTopics()).isFalse();
    assertThat(options.retryTopicsDefaults()).isFalse();
    assertThat(BenchOptions.defaults().measuresRetryTopics()).isTrue();
  }

  @Test
  void shouldRunTheFloorAloneWhenAskedTo() {
    BenchOptions options = BenchOptions.parse("--scenarios", "floor");

    assertThat(options.scenarios()).containsExactly(Scenario.FLOOR);
    assertThat(options.runs(Scenario.THROUGHPUT)).isFalse();
  }
}
