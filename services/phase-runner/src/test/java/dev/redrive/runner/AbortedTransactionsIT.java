package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.AttemptStarted;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.StartExecution;
import dev.redrive.support.avro.RedriveAvroSerializer;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.testkit.AbortedWrite;
import dev.redrive.testkit.RedriveInfrastructure;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A command written in a Kafka transaction that was then aborted is never run: the runner reads
 * {@code read_committed}. A committed command on the same partition right after is handled, so the
 * runner's consumer went past the aborted one.
 */
class AbortedTransactionsIT {

  private final RunnerHarness runner = RunnerHarness.shared();

  @Test
  void anAbortedStartExecutionIsNotRun() {
    String executionId = "exec_aborted_" + UUID.randomUUID().toString().substring(0, 8);

    // given a StartExecution in an aborted transaction
    abort(
        RunnerHarness.command(
            executionId,
            StartExecution.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setPipeline("chain")
                .setParameters(Map.of())
                .setRequestedBy("other-system")
                .build()));

    // when a committed command with the same key (so the same partition) follows
    runner.send(
        RunnerHarness.command(
            executionId,
            Rollback.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setToPhase("first")
                .build()));

    // then it is handled, and finds no execution: the aborted start was never run
    runner.awaitDeadLetter(executionId, "no execution " + executionId);
    assertThat(runner.events(executionId)).isEmpty();
    assertThat(runner.get("/api/v1/executions/" + executionId + "/phases").has("execution"))
        .isFalse();
  }

  @Test
  void anAbortedRetryCommandIsNotRunWhileACommittedOneIs() {
    // given a failed execution
    String executionId = runner.start("misbehave", Map.of("mode", "fail"));
    runner.awaitEvents(executionId, AttemptFailed.class, 1);

    // when a retry of it arrives in an aborted transaction, then a committed one
    abort(RunnerHarness.retryCommand(executionId, "work", 2, 3, "aborted-cmd", "never seen"));
    runner.send(RunnerHarness.retryCommand(executionId, "work", 2, 3, "committed-cmd", "go"));
    runner.awaitEvents(executionId, AttemptFailed.class, 2);
    runner.barrier(executionId);

    // then only the committed retry ran
    assertThat(runner.events(executionId, AttemptStarted.class))
        .extracting(AttemptStarted::getAttemptNumber)
        .containsExactly(1, 2);
    assertThat(runner.events(executionId, AttemptStarted.class).get(1).getCommandId())
        .isEqualTo("committed-cmd");
  }

  private void abort(CommandEvent command) {
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(Map.of("schema.registry.url", runner.registry()), false);
    AbortedWrite.write(
        RedriveInfrastructure.shared().kafkaBootstrapServers(),
        serializer,
        RedriveTopics.COMMANDS.name(),
        null,
        command.getExecutionId(),
        command);
  }
}
