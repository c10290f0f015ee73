package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.ExecutionStarted;
import dev.redrive.avro.StartExecution;
import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Several executions at once on the bounded pool (two workers), and a consumer that never waits.
 */
class ParallelExecutionsIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void executionsShareTheTwoWorkersAndAllCompleteWhileCommandsAreStillHandled() {
    // given six executions of two half-second phases each, on two workers
    List<String> executions =
        IntStream.range(0, 6).mapToObj(i -> runner.start("slow-pair", Map.of())).toList();

    // when a start command arrives on Kafka while they run
    String viaKafka = "exec_parallel_" + UUID.randomUUID().toString().substring(0, 8);
    runner.send(
        RunnerHarness.command(
            viaKafka,
            StartExecution.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setPipeline("chain")
                .build()));

    // then the listener handles it at once, although every worker is busy
    runner.awaitEvent(viaKafka, ExecutionStarted.class, e -> true);
    assertThat(unfinished(executions)).isPositive();

    // and every execution completes, never more than two phases at a time
    executions.forEach(id -> runner.awaitStatus(id, "SUCCEEDED"));
    runner.awaitStatus(viaKafka, "SUCCEEDED");
    List<Attempt> attempts = new ArrayList<>();
    executions.forEach(id -> attempts.addAll(runner.store().attempts(id)));
    assertThat(attempts).hasSize(12).allMatch(a -> a.status() == AttemptStatus.SUCCEEDED);
    assertThat(mostAtOnce(attempts)).isEqualTo(2);
  }

  private long unfinished(List<String> executions) {
    return executions.stream()
        .flatMap(id -> runner.store().attempts(id).stream())
        .filter(a -> a.finishedAt() == null)
        .count();
  }

  /** The most attempts whose [started, finished] intervals overlap at one moment. */
  private static int mostAtOnce(List<Attempt> attempts) {
    int most = 0;
    for (Attempt attempt : attempts) {
      Instant moment = attempt.startedAt();
      int running =
          (int)
              attempts.stream()
                  .filter(a -> !a.startedAt().isAfter(moment) && a.finishedAt().isAfter(moment))
                  .count();
      most = Math.max(most, running);
    }
    return most;
  }
}
