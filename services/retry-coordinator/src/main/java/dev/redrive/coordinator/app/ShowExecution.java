package dev.redrive.coordinator.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * What a person sees of an execution: its status, failure counts and attempts, the chain of its
 * phases (which completed with what outputs, which failed and why, what remains), and the context
 * each retry carried.
 */
@Service
public class ShowExecution {

  private final ExecutionQueries queries;

  public ShowExecution(ExecutionQueries queries) {
    this.queries = queries;
  }

  /** An execution with its failure counts per phase, its attempts and the chain of its phases. */
  public record Details(
      ExecutionView execution,
      Map<String, Integer> failedAttemptsByPhase,
      List<AttemptView> attempts,
      List<PhaseState> chain) {}

  /**
   * Where one phase of the chain stands: COMPLETED (with its checkpoint's {@code outputs} when it
   * has one), FAILED (with its {@code lastError}), RUNNING or PENDING.
   */
  public record PhaseState(
      String phase, String state, Map<String, String> outputs, String lastError) {}

  /** The execution alone: status, current phase, last error. */
  public Optional<ExecutionView> execution(String executionId) {
    return queries.execution(executionId);
  }

  /** Everything the API shows of an execution; empty when it is unknown. */
  public Optional<Details> details(String executionId) {
    return queries
        .execution(executionId)
        .map(
            execution -> {
              Map<String, Integer> counters = queries.counters(executionId);
              List<AttemptView> attempts = queries.attempts(executionId);
              return new Details(execution, counters, attempts, chain(executionId, attempts));
            });
  }

  public Optional<AttemptView> attempt(String attemptId) {
    return queries.attempt(attemptId);
  }

  /** The retry context (JSON) that the command carried; empty when none was stored. */
  public Optional<String> context(String commandId) {
    return queries.contextJson(commandId);
  }

  /**
   * Which phases completed with what outputs, which failed and why, and what remains: what a person
   * needs when an execution pauses.
   */
  private List<PhaseState> chain(String executionId, List<AttemptView> attempts) {
    Map<String, Map<String, String>> checkpoints = queries.checkpoints(executionId);
    List<PhaseState> chain = new ArrayList<>();
    for (String phase : queries.phases(executionId)) {
      AttemptView last = null;
      for (AttemptView attempt : attempts) {
        if (attempt.phase().equals(phase)) {
          last = attempt;
        }
      }
      if (checkpoints.containsKey(phase)) {
        chain.add(new PhaseState(phase, "COMPLETED", checkpoints.get(phase), null));
      } else if (last != null && last.outcome().equals("FAILED")) {
        chain.add(
            new PhaseState(phase, "FAILED", null, last.failureType() + ": " + last.errorMessage()));
      } else if (last != null && !last.outcome().equals("SUCCEEDED")) {
        chain.add(new PhaseState(phase, "RUNNING", null, null));
      } else if (last != null) {
        chain.add(new PhaseState(phase, "COMPLETED", null, null));
      } else {
        chain.add(new PhaseState(phase, "PENDING", null, null));
      }
    }
    return chain;
  }
}
