package dev.redrive.runner.app;

import dev.redrive.runner.domain.Attempt;
import dev.redrive.runner.domain.AttemptManifest;
import dev.redrive.runner.domain.AttemptStatus;
import dev.redrive.runner.domain.Execution;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares two failed attempts of a phase ({@link AttemptDiff}) from the manifests and archives
 * their failures left in the workspace; by default the phase's last two failed attempts. Counts
 * {@code redrive.runner.diffs{outcome}}.
 */
@Service
public class DiffAttempts {

  /** The highest attempt number a request may name. */
  public static final int MAX_ATTEMPT_NUMBER = 10_000;

  private static final Logger log = LoggerFactory.getLogger(DiffAttempts.class);

  private final ExecutionStore store;
  private final Pipelines pipelines;
  private final Workspaces workspaces;
  private final JsonMapper json;
  private final MeterRegistry meters;

  public DiffAttempts(
      ExecutionStore store,
      Pipelines pipelines,
      Workspaces workspaces,
      JsonMapper json,
      MeterRegistry meters) {
    this.store = store;
    this.pipelines = pipelines;
    this.workspaces = workspaces;
    this.json = json;
    this.meters = meters;
  }

  /**
   * Compares attempt {@code a} with attempt {@code b} of the phase.
   *
   * @param a the earlier attempt's number, or null for the phase's last failed attempt but one
   * @param b the later attempt's number, or null for the phase's last failed attempt
   * @throws InvalidDiffRequestException when a number is out of range or both are the same
   * @throws UnknownExecutionException when the runner has no such execution
   * @throws NothingToCompareException when the phase, an attempt or a manifest is not there
   */
  public AttemptDiff.Result diff(String executionId, String phase, Integer a, Integer b) {
    try {
      AttemptDiff.Result result = compare(executionId, phase, a, b);
      meters.counter("redrive.runner.diffs", "outcome", "compared").increment();
      log.debug(
          "execution {}: compared attempts {} and {} of phase {}",
          LogText.escape(executionId),
          result.a().number(),
          result.b().number(),
          LogText.escape(phase));
      return result;
    } catch (RequestRefusedException e) {
      meters.counter("redrive.runner.diffs", "outcome", "refused").increment();
      throw e;
    }
  }

  private AttemptDiff.Result compare(String executionId, String phase, Integer a, Integer b) {
    checkNumber("a", a);
    checkNumber("b", b);
    if (a != null && a.equals(b)) {
      throw new InvalidDiffRequestException(
          "a and b are both %d: name two different attempts to compare".formatted(a));
    }
    Execution execution =
        store
            .execution(executionId)
            .orElseThrow(
                () ->
                    new UnknownExecutionException(
                        "No execution '%s' on this runner.".formatted(executionId)));
    Optional<Pipeline> pipeline = pipelines.find(execution.pipeline());
    List<Attempt> attempts = store.attempts(executionId);
    boolean known =
        pipeline.map(p -> p.phase(phase).isPresent()).orElse(false)
            || attempts.stream().anyMatch(t -> t.phase().equals(phase));
    if (!known) {
      throw new NothingToCompareException(
          "Execution %s has no phase '%s'; its phases: %s"
              .formatted(
                  executionId,
                  phase,
                  pipeline
                      .map(Pipeline::phaseNames)
                      .orElse(attempts.stream().map(Attempt::phase).distinct().toList())),
          List.of());
    }
    List<Integer> failed =
        attempts.stream()
            .filter(t -> t.phase().equals(phase))
            .filter(t -> t.status() == AttemptStatus.FAILED || t.status() == AttemptStatus.LOOPED)
            .map(Attempt::attemptNumber)
            .distinct()
            .sorted()
            .toList();
    if (failed.size() < 2) {
      throw new NothingToCompareException(
          "Phase %s of execution %s has %d failed attempt(s) %s: a diff needs two"
              .formatted(phase, executionId, failed.size(), failed),
          failed);
    }
    int first = a != null ? a : b != null ? previous(failed, b) : nthLast(failed, 2);
    int second = b != null ? b : nthLast(failed, 1);
    if (first == second) {
      throw new InvalidDiffRequestException(
          "a and b are both %d (b defaults to the last failed attempt): name the other one"
              .formatted(first));
    }
    for (int number : List.of(first, second)) {
      if (!failed.contains(number)) {
        throw new NothingToCompareException(
            "Phase %s of execution %s has no failed attempt %d; its failed attempts: %s"
                .formatted(phase, executionId, number, failed),
            failed);
      }
    }
    AttemptManifest before = manifest(execution, phase, first, failed);
    AttemptManifest after = manifest(execution, phase, second, failed);
    String workspace = execution.workspace();
    return AttemptDiff.compare(
        before,
        after,
        (number, relative, maxBytes) ->
            workspaces.readArchived(
                workspace, AttemptManifest.archiveOf(phase, number), relative, maxBytes));
  }

  private AttemptManifest manifest(
      Execution execution, String phase, int number, List<Integer> failed) {
    String text = workspaces.read(execution.workspace(), AttemptManifest.pathOf(phase, number));
    if (text == null) {
      throw new NothingToCompareException(
          ("Attempt %d of phase %s has no manifest (%s): it failed before this runner kept"
                  + " manifests, or its archive is still pending")
              .formatted(number, phase, AttemptManifest.pathOf(phase, number)),
          failed);
    }
    try {
      AttemptManifest manifest = json.readValue(text, AttemptManifest.class);
      if (manifest.attemptNumber() != number || !phase.equals(manifest.phase())) {
        throw new NothingToCompareException(
            "The manifest of attempt %d of phase %s names another attempt".formatted(number, phase),
            failed);
      }
      return manifest;
    } catch (JacksonException e) {
      throw new NothingToCompareException(
          "The manifest of attempt %d of phase %s cannot be read".formatted(number, phase), failed);
    }
  }

  private static void checkNumber(String name, Integer value) {
    if (value != null && (value < 1 || value > MAX_ATTEMPT_NUMBER)) {
      throw new InvalidDiffRequestException(
          "%s: must be an attempt number from 1 to %d, was %d"
              .formatted(name, MAX_ATTEMPT_NUMBER, value));
    }
  }

  /** The n-th last number, or 0 when there are fewer. */
  private static int nthLast(List<Integer> numbers, int n) {
    return numbers.size() < n ? 0 : numbers.get(numbers.size() - n);
  }

  /** The failed attempt before {@code number}, or 0. */
  private static int previous(List<Integer> numbers, int number) {
    return numbers.stream().filter(n -> n < number).reduce((x, y) -> y).orElse(0);
  }
}
