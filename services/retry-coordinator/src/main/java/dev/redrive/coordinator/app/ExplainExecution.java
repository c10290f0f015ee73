package dev.redrive.coordinator.app;

import dev.redrive.contract.ExecutionStatus;
import dev.redrive.coordinator.domain.ExplainedDecision;
import dev.redrive.coordinator.domain.Explanations;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.ResolvedPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Explains an execution's retries: the coordinator's last decision as it was made (kept with the
 * execution), and the next one as it would be made now, under the policies in force, with the
 * counter and the retry budget as they are.
 */
@Service
public class ExplainExecution {

  private final ExecutionQueries queries;
  private final BudgetStore budgets;
  private final Policies policies;

  public ExplainExecution(ExecutionQueries queries, BudgetStore budgets, Policies policies) {
    this.queries = queries;
    this.budgets = budgets;
    this.policies = policies;
  }

  /**
   * @param last the last decision with why; null before the first
   */
  public record Explanation(ExecutionView execution, ExplainedDecision last, Next next) {}

  /**
   * The next decision, as it would be made now.
   *
   * @param waitingFor what the execution waits for, in words
   * @param dueAt when the scheduled retry is due; null when none is
   * @param onNextFailure what the coordinator decides if the phase fails once more; null when the
   *     execution has ended
   * @param origins per policy field, the layer that sets it
   * @param budget the retry budget of each scope now, in words
   */
  public record Next(
      String phase,
      String waitingFor,
      Instant dueAt,
      String onNextFailure,
      String policy,
      long policyVersion,
      Map<String, String> origins,
      int failuresCounted,
      int maxAttempts,
      List<String> budget) {}

  /** The explanation; empty when the execution is unknown. */
  public Optional<Explanation> explain(String executionId) {
    return queries
        .execution(executionId)
        .map(
            execution -> {
              ExplainedDecision last = queries.lastDecision(executionId).orElse(null);
              return new Explanation(execution, last, next(execution, last));
            });
  }

  private Next next(ExecutionView execution, ExplainedDecision last) {
    String phase =
        execution.currentPhase() != null
            ? execution.currentPhase()
            : last == null ? null : last.phase();
    PolicySet set = policies.current();
    PolicyOverride declared =
        last != null && last.declared() != null && last.phase().equals(phase)
            ? last.declared()
            : PolicyOverride.NONE;
    ResolvedPolicy resolved =
        set.resolve(
            execution.executionId(), execution.source(), execution.pipeline(), phase, declared);
    int counted =
        phase == null ? 0 : queries.counters(execution.executionId()).getOrDefault(phase, 0);
    boolean ended =
        execution.status() == ExecutionStatus.SUCCEEDED
            || execution.status() == ExecutionStatus.CANCELLED;
    Instant dueAt =
        execution.status() == ExecutionStatus.RETRY_SCHEDULED
                && last != null
                && ExplainedDecision.RETRY.equals(last.outcome())
            ? last.dueAt()
            : null;
    return new Next(
        phase,
        waitingFor(execution, phase, dueAt),
        dueAt,
        ended || phase == null ? null : Explanations.onNextFailure(resolved, counted),
        resolved.policy().describe(),
        resolved.version(),
        resolved.origins(),
        counted,
        resolved.policy().maxAttempts(),
        budgetNow(execution, set));
  }

  private static String waitingFor(ExecutionView execution, String phase, Instant dueAt) {
    return switch (execution.status()) {
      case RETRY_SCHEDULED ->
          dueAt != null
              ? "the retry of phase %s, due at %s".formatted(phase, dueAt)
              : "the retry of phase %s that a person requested".formatted(phase);
      case PAUSED ->
          "a person: redrive retry %s (--reset-count to count again, --from PHASE to go back)"
              .formatted(execution.executionId());
      case RUNNING -> "phase %s to report its attempt".formatted(phase);
      case HALTED -> "a person: the phase-runner halted the execution (see its last error)";
      case SUCCEEDED, CANCELLED -> "nothing: the execution has ended " + execution.status();
    };
  }

  private List<String> budgetNow(ExecutionView execution, PolicySet set) {
    List<BudgetScope> scopes = BudgetTally.scopes(execution.pipeline(), execution.source());
    Map<BudgetScope, BudgetCounts> counts =
        budgets.budgetWindow(scopes, set.budget().window()).counts();
    return scopes.stream()
        .map(
            scope -> {
              BudgetCounts now = counts.getOrDefault(scope, new BudgetCounts(0, 0));
              return Explanations.budgetState(
                  set.budget(), scope.scope() + " " + scope.name(), now.retries(), now.attempts());
            })
        .toList();
  }
}
