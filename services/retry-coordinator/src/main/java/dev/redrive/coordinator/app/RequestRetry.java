package dev.redrive.coordinator.app;

import dev.redrive.contract.AttemptBound;
import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.app.CoordinatorEvents.Requester;
import dev.redrive.coordinator.app.RetryAnswer.Result;
import dev.redrive.coordinator.domain.Decision;
import dev.redrive.coordinator.domain.DecisionExplanation;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Explanations;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.ResolvedPolicy;
import dev.redrive.coordinator.domain.RetryContext;
import dev.redrive.coordinator.domain.RetryContextAssembler;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.coordinator.domain.RetryRequestRules;
import dev.redrive.coordinator.domain.RetryRequestRules.Refusal;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A person's (or a system's) retry request: retry in place, resume from a phase, or resubmit as a
 * new execution; with force, a reset of the count, a note. Refusals are decisions too
 * (RetryRejected), and every request id is answered once and the same way after.
 */
@Service
public class RequestRetry {

  private static final Logger log = LoggerFactory.getLogger(RequestRetry.class);

  private final RequestLog requests;
  private final ExecutionQueries queries;
  private final ExecutionStore executions;
  private final AttemptLog attempts;
  private final RetryNotes notes;
  private final CoordinatorEvents events;
  private final Policies policies;
  private final RetryContextAssembler assembler;
  private final Clock clock;
  private final MeterRegistry meters;
  private final String runnerSource;

  public RequestRetry(
      RequestLog requests,
      ExecutionQueries queries,
      ExecutionStore executions,
      AttemptLog attempts,
      RetryNotes notes,
      CoordinatorEvents events,
      Policies policies,
      RetryContextAssembler assembler,
      Clock clock,
      MeterRegistry meters,
      RunnerSource runnerSource) {
    this.requests = requests;
    this.queries = queries;
    this.executions = executions;
    this.attempts = attempts;
    this.notes = notes;
    this.events = events;
    this.policies = policies;
    this.assembler = assembler;
    this.clock = clock;
    this.meters = meters;
    this.runnerSource = runnerSource.name();
  }

  /** The name the phase-runner writes as the source of its events. */
  public record RunnerSource(String name) {}

  @Transactional
  public RetryAnswer request(RetryRequest request) {
    String requestId =
        request.requestId() == null || request.requestId().isBlank()
            ? TimeOrderedIds.uuid()
            : request.requestId();
    // two requests for one execution at once: the second waits here and then sees the first's
    // retry (RETRY_SCHEDULED), so it is refused instead of becoming a second command
    executions.lock(request.executionId());
    Optional<RetryAnswer> earlier = requests.answer(requestId);
    if (earlier.isPresent()) {
      log.info("retry request {} was already answered", LogText.escape(requestId));
      return earlier.get();
    }
    RetryAnswer answer = decide(requestId, request);
    if (!answer.result().equals(Result.DRY_RUN)) {
      requests.save(requestId, request.executionId(), answer);
    }
    meters
        .counter(
            "redrive.retry.requests",
            "mode",
            request.resubmit() ? "RESUBMIT_AS_NEW" : "RETRY_IN_PLACE",
            "result",
            answer.result().name())
        .increment();
    if (answer.result().refused()) {
      meters.counter("redrive.retries.refused", "reason", "request").increment();
      log.info(
          "retry request {} for {} refused: {}",
          LogText.escape(requestId),
          LogText.escape(request.executionId()),
          LogText.escape(answer.message()));
    } else {
      log.info(
          "retry request {} by {}: {}",
          LogText.escape(requestId),
          LogText.escape(request.requestedBy()),
          LogText.escape(answer.message()));
    }
    return answer;
  }

  private RetryAnswer decide(String requestId, RetryRequest request) {
    Instant now = clock.instant();
    Optional<ExecutionView> found = queries.execution(request.executionId());
    if (found.isEmpty()) {
      EventMeta cause = new EventMeta(requestId, request.executionId(), null, null, now, requestId);
      String reason =
          "No execution '%s' is known to the coordinator.".formatted(request.executionId());
      events.retryRejected(cause, requestId, reason, "UNKNOWN", request.requestedBy());
      return refused(Result.NOT_FOUND, requestId, request, reason, "UNKNOWN", List.of());
    }
    ExecutionView execution = found.get();
    EventMeta cause =
        new EventMeta(
            requestId,
            execution.executionId(),
            execution.pipeline(),
            execution.source(),
            now,
            requestId);
    List<String> phases = queries.phases(execution.executionId());
    Optional<Refusal> refusal =
        RetryRequestRules.check(
            execution.status(),
            request.force(),
            request.fromPhase(),
            phases,
            request.resubmit(),
            runnerSource.equals(execution.source()));
    if (refusal.isPresent()) {
      events.retryRejected(
          cause,
          requestId,
          refusal.get().reason(),
          execution.status().name(),
          request.requestedBy());
      return refused(
          Result.valueOf(refusal.get().kind().name()),
          requestId,
          request,
          refusal.get().reason(),
          execution.status().name(),
          refusal.get().kind() == Refusal.Kind.UNKNOWN_PHASE ? phases : List.of());
    }
    String phase = request.fromPhase() != null ? request.fromPhase() : execution.currentPhase();
    if (request.dryRun()) {
      List<String> toRun =
          request.resubmit() ? phases : RetryRequestRules.phasesToRun(phases, phase);
      return new RetryAnswer(
          Result.DRY_RUN,
          requestId,
          execution.executionId(),
          null,
          mode(request),
          phase,
          request.force(),
          request.resetCount(),
          toRun,
          List.of(),
          execution.status().name(),
          "Dry run: would run " + String.join(", ", toRun));
    }
    Instant notBefore = DueTimes.atMillis(request.notBefore() != null ? request.notBefore() : now);
    Requester requester =
        new Requester(requestId, request.requestedBy(), request.force(), request.note());
    if (request.resetCount() && phase != null) {
      int previous = attempts.resetCount(execution.executionId(), phase);
      events.attemptCountReset(
          cause, requestId, phase, previous, request.requestedBy(), request.note());
    }
    if (request.note() != null && !request.note().isBlank() && phase != null) {
      notes.addNote(execution.executionId(), phase, request.note(), request.requestedBy());
    }
    if (request.resubmit()) {
      return resubmit(cause, execution, request, requester, notBefore);
    }
    if (request.fromPhase() != null) {
      return resume(cause, execution, request, requester, notBefore, phases);
    }
    return retryInPlace(cause, execution, request, requester, notBefore, phase);
  }

  private RetryAnswer resubmit(
      EventMeta cause,
      ExecutionView execution,
      RetryRequest request,
      Requester requester,
      Instant notBefore) {
    String newId = "exec_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    executions.createResubmitted(
        newId, execution.pipeline(), execution.source(), execution.executionId());
    events.resubmitted(cause, newId, notBefore, requester);
    return new RetryAnswer(
        Result.ACCEPTED,
        requester.requestId(),
        newId,
        execution.executionId(),
        mode(request),
        null,
        request.force(),
        request.resetCount(),
        List.of(),
        List.of(),
        "RUNNING",
        "Retry started: " + newId);
  }

  private RetryAnswer resume(
      EventMeta cause,
      ExecutionView execution,
      RetryRequest request,
      Requester requester,
      Instant notBefore,
      List<String> phases) {
    String phase = request.fromPhase();
    int attemptNumber = attempts.lastAttemptNumber(execution.executionId(), phase) + 1;
    ResolvedPolicy resolved = policy(execution, phase);
    RetryPolicy policy = resolved.policy();
    // a resume does not reset the count (only resetCount does, above): the phase's failures so
    // far still count against its policy
    int maxAttempts =
        AttemptBound.lastAttempt(
            attemptNumber,
            policy.maxAttempts(),
            attempts.failedAttempts(execution.executionId(), phase));
    executions.clearCheckpoints(
        execution.executionId(), RetryRequestRules.phasesToRun(phases, phase));
    executions.reopen(execution.executionId(), ExecutionStatus.RETRY_SCHEDULED, phase);
    // a resume sends no retry context, so its why stays with the execution
    executions.updateExecutions(
        List.of(
            new ExecutionUpdate(
                execution.executionId(),
                null,
                null,
                null,
                null,
                personsDecision(
                    phase,
                    attemptNumber,
                    "resume from phase %s requested by %s"
                        .formatted(phase, requester.requestedBy()),
                    notBefore,
                    resolved,
                    attempts.failedAttempts(execution.executionId(), phase)))));
    events.resumeRequested(
        cause,
        TimeOrderedIds.uuid(),
        phase,
        attemptNumber,
        maxAttempts,
        request.note(),
        notBefore,
        policy,
        requester);
    return accepted(request, requester, execution, phase, "Retry started: %s from phase %s");
  }

  private RetryAnswer retryInPlace(
      EventMeta cause,
      ExecutionView execution,
      RetryRequest request,
      Requester requester,
      Instant notBefore,
      String phase) {
    ResolvedPolicy resolved = policy(execution, phase);
    RetryPolicy policy = resolved.policy();
    int attemptNumber = attempts.lastAttemptNumber(execution.executionId(), phase) + 1;
    int counted = attempts.failedAttempts(execution.executionId(), phase);
    int maxAttempts = AttemptBound.lastAttempt(attemptNumber, policy.maxAttempts(), counted);
    List<Failure> history = attempts.failures(execution.executionId(), phase);
    RetryContext context =
        assembler.assemble(
            execution.executionId(),
            phase,
            attemptNumber,
            maxAttempts,
            history,
            attempts.succeededAttempts(execution.executionId(), phase),
            notes.notes(execution.executionId(), phase));
    String commandId = TimeOrderedIds.uuid();
    String reason =
        "retry requested by %s%s%s"
            .formatted(
                request.requestedBy(),
                request.force() ? " (forced)" : "",
                request.resetCount() ? ", attempt count reset" : "");
    executions.reopen(execution.executionId(), ExecutionStatus.RETRY_SCHEDULED, phase);
    executions.updateExecutions(
        List.of(ExecutionUpdate.retried(execution.executionId(), commandId)));
    CoordinatorEvents.Batch batch = events.batch();
    batch.retryScheduled(
        cause,
        commandId,
        new Decision.Retry(attemptNumber, Duration.between(clock.instant(), notBefore), reason),
        context,
        notBefore,
        policy,
        requester,
        personsDecision(phase, attemptNumber, reason, notBefore, resolved, counted));
    batch.write();
    return accepted(request, requester, execution, phase, "Retry started: %s from phase %s");
  }

  private ResolvedPolicy policy(ExecutionView execution, String phase) {
    return policies
        .current()
        .resolve(
            execution.executionId(),
            execution.source(),
            execution.pipeline(),
            phase,
            PolicyOverride.NONE);
  }

  /**
   * A person's retry as the execution's last decision, so that explain shows it (and not the pause
   * it ended) with the policy its next failure will meet.
   */
  private ExplainedDecision personsDecision(
      String phase,
      int attemptNumber,
      String reason,
      Instant notBefore,
      ResolvedPolicy resolved,
      int counted) {
    DecisionExplanation why =
        new DecisionExplanation(
            resolved.policy().describe(),
            resolved.version(),
            resolved.origins(),
            counted,
            resolved.policy().maxAttempts(),
            List.of(),
            null,
            null,
            List.of(
                "a person asked for this retry; if it fails, the policy decides again: "
                    + Explanations.onNextFailure(resolved, counted)));
    return new ExplainedDecision(
        phase,
        attemptNumber - 1,
        ExplainedDecision.RETRY,
        null,
        reason,
        clock.instant(),
        notBefore,
        null,
        why);
  }

  private static RetryAnswer accepted(
      RetryRequest request,
      Requester requester,
      ExecutionView execution,
      String phase,
      String message) {
    return new RetryAnswer(
        Result.ACCEPTED,
        requester.requestId(),
        execution.executionId(),
        null,
        mode(request),
        phase,
        request.force(),
        request.resetCount(),
        List.of(),
        List.of(),
        "queued",
        message.formatted(execution.executionId(), phase));
  }

  private static RetryAnswer refused(
      Result result,
      String requestId,
      RetryRequest request,
      String reason,
      String status,
      List<String> validPhases) {
    return new RetryAnswer(
        result,
        requestId,
        request.executionId(),
        null,
        mode(request),
        request.fromPhase(),
        request.force(),
        request.resetCount(),
        List.of(),
        validPhases,
        status,
        reason);
  }

  private static String mode(RetryRequest request) {
    return request.resubmit() ? "RESUBMIT_AS_NEW" : "RETRY_IN_PLACE";
  }
}
