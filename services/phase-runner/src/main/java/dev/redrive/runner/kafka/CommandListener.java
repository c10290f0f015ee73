package dev.redrive.runner.kafka;

import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.Cancel;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.Rollback;
import dev.redrive.avro.StartExecution;
import dev.redrive.runner.app.ExecutionService;
import dev.redrive.runner.app.ExecutionService.RollbackRequest;
import dev.redrive.runner.app.ExecutionService.StartRequest;
import dev.redrive.runner.app.RetryInstructions;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.limits.EventLimits;
import java.util.List;
import java.util.Map;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Transport only: takes a CommandEvent apart and makes one call into {@link ExecutionService}. No
 * phase runs in this thread: the service queues attempts on the worker pool, so a long phase never
 * holds up the consumer.
 */
@Component
class CommandListener {

  private final ExecutionService executions;
  private final JsonMapper json;
  private final EventLimits limits;

  CommandListener(ExecutionService executions, JsonMapper json, EventLimits limits) {
    this.executions = executions;
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
    if (payload instanceof RetryCommand retry) {
      executions.retry(
          event.getExecutionId(),
          retry.getPhase(),
          new RetryInstructions(
              retry.getCommandId(),
              retry.getAttemptNumber(),
              retry.getMaxAttempts(),
              previousError(retry.getContext().getPriorAttempts()),
              json.writeValueAsString(RetryContexts.of(retry))));
    } else if (payload instanceof StartExecution start) {
      executions.start(
          new StartRequest(
              start.getPipeline(),
              start.getParameters(),
              Map.of(),
              event.getExecutionId(),
              start.getCommandId(),
              start.getResubmitOf(),
              start.getRequestedBy()));
    } else if (payload instanceof Rollback rollback) {
      executions.rollback(
          new RollbackRequest(
              event.getExecutionId(),
              rollback.getToPhase(),
              rollback.getNote(),
              rollback.getRequestedBy(),
              rollback.getCommandId()));
    } else if (payload instanceof Cancel cancel) {
      executions.cancel(event.getExecutionId(), cancel.getReason(), cancel.getCommandId());
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
