package dev.redrive.runner.kafka;

import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Rollback;
import dev.redrive.runner.app.CancelExecution;
import dev.redrive.runner.app.RetryInstructions;
import dev.redrive.runner.app.RetryPhase;
import dev.redrive.runner.app.RollBackToPhase;
import dev.redrive.runner.app.RollBackToPhase.RollbackRequest;
import dev.redrive.runner.app.StartExecution;
import dev.redrive.runner.app.StartExecution.StartRequest;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.limits.EventLimits;
import java.util.List;
import java.util.Map;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Transport only: takes a CommandEvent apart and makes one call into the use case its payload asks
 * for. No phase runs in this thread: the use cases queue attempts on the worker pool, so a long
 * phase never holds up the consumer. A command the use case refuses ({@code
 * RequestRefusedException}) goes to the dead-letter topic at once ({@link RefusedCommands}).
 */
@Component
class CommandListener {

  private final StartExecution start;
  private final RetryPhase retry;
  private final RollBackToPhase rollBack;
  private final CancelExecution cancel;
  private final JsonMapper json;
  private final EventLimits limits;

  CommandListener(
      StartExecution start,
      RetryPhase retry,
      RollBackToPhase rollBack,
      CancelExecution cancel,
      JsonMapper json,
      EventLimits limits) {
    this.start = start;
    this.retry = retry;
    this.rollBack = rollBack;
    this.cancel = cancel;
    this.json = json;
    this.limits = limits;
  }

  @KafkaListener(
      id = "runner-commands",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).COMMANDS.name()}")
  void on(CommandEvent event) {
    Envelopes.requireEnvelope(event);
    limits.check(event);
    Object payload = event.getPayload();
    if (payload instanceof RetryCommand command) {
      retry.retry(
          event.getExecutionId(),
          command.getPhase(),
          new RetryInstructions(
              command.getCommandId(),
              command.getAttemptNumber(),
              command.getMaxAttempts(),
              previousError(command.getContext().getPriorAttempts()),
              json.writeValueAsString(RetryContexts.of(command))));
    } else if (payload instanceof dev.redrive.avro.StartExecution command) {
      start.start(
          new StartRequest(
              command.getPipeline(),
              command.getParameters(),
              Map.of(),
              event.getExecutionId(),
              command.getCommandId(),
              command.getResubmitOf(),
              command.getRequestedBy()));
    } else if (payload instanceof Rollback rollback) {
      rollBack.rollback(
          new RollbackRequest(
              event.getExecutionId(),
              rollback.getToPhase(),
              rollback.getNote(),
              rollback.getRequestedBy(),
              rollback.getCommandId()));
    } else if (payload instanceof Cancel command) {
      cancel.cancel(
          event.getExecutionId(),
          command.getReason(),
          command.getRequestedBy(),
          command.getCommandId());
    } else {
      throw new InvalidEventException(
          "%s %s: this phase-runner does not handle that command"
              .formatted(Envelopes.eventType(event), event.getEventId()));
    }
  }

  private static String previousError(List<AttemptSummary> prior) {
    if (prior.isEmpty()) {
      return "";
    }
    AttemptSummary last = prior.get(prior.size() - 1);
    return last.getFailureType() + ": " + last.getMessage();
  }
}
