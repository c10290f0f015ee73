package dev.redrive.coordinator.app;

import dev.redrive.coordinator.domain.CheckOutcome;
import dev.redrive.coordinator.domain.ErrorFingerprint;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.FingerprintSuggestion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * The history per error fingerprint: how often each failure happened, in how many executions, how
 * many retries followed it and how many of them succeeded, and, when they almost never do, the
 * suggestion to mark it non-retryable where it happens.
 */
@Service
public class ListFingerprints {

  /** Groups per page when the request names no limit. */
  public static final int DEFAULT_LIMIT = 50;

  /** The largest page a request may ask for. */
  public static final int MAX_LIMIT = 200;

  /** The furthest a page may start (pages past it are not worth a sort of the window). */
  public static final int MAX_OFFSET = 10_000;

  /** Latest failures a fingerprint's details show. */
  public static final int LATEST = 20;

  private final FingerprintHistory history;
  private final Policies policies;
  private final FingerprintSettings settings;
  private final Clock clock;

  public ListFingerprints(
      FingerprintHistory history, Policies policies, FingerprintSettings settings, Clock clock) {
    this.history = history;
    this.policies = policies;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * A fingerprint's history in one phase.
   *
   * @param successRate retries that succeeded per retry that ended, or null without retries
   * @param suggestion what its history suggests, or null
   */
  public record Entry(
      FingerprintHistory.Group group,
      ErrorFingerprint fingerprint,
      Double successRate,
      FingerprintSuggestion suggestion) {}

  /** A page, and the offset of the next one (null when this one is the last). */
  public record Page(List<Entry> entries, Integer next, Instant since) {}

  /** A fingerprint's history in each phase it happened in, and its latest failures. */
  public record Details(
      List<Entry> entries, List<FingerprintHistory.Occurrence> latest, Instant since) {}

  /** The window a request may read: since {@code now - maxWindow} at the earliest. */
  public Duration maxWindow() {
    return settings.maxWindow();
  }

  /**
   * @param since null for the default window; at most {@link #maxWindow()} back
   * @param offset 0 to {@link #MAX_OFFSET}
   * @param limit 1 to {@link #MAX_LIMIT}
   */
  public Page list(String pipeline, String phase, Instant since, int offset, int limit) {
    if (limit < 1 || limit > MAX_LIMIT || offset < 0 || offset > MAX_OFFSET) {
      throw new IllegalArgumentException(
          "limit must be 1-%d and offset 0-%d, were %d and %d"
              .formatted(MAX_LIMIT, MAX_OFFSET, limit, offset));
    }
    Instant from = since(since);
    List<FingerprintHistory.Group> groups =
        history.groups(
            new FingerprintHistory.Query(null, pipeline, phase, from), offset, limit + 1);
    List<Entry> entries = groups.stream().limit(limit).map(this::entry).toList();
    return new Page(entries, groups.size() > limit ? offset + limit : null, from);
  }

  /** One fingerprint; empty when it has no failure in the window. */
  public Optional<Details> show(String fingerprint, Instant since) {
    Instant from = since(since);
    FingerprintHistory.Query query = new FingerprintHistory.Query(fingerprint, null, null, from);
    List<FingerprintHistory.Group> groups = history.groups(query, 0, MAX_LIMIT);
    if (groups.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Details(
            groups.stream().map(this::entry).toList(), history.latest(query, LATEST), from));
  }

  /**
   * The start of the window: the default one without {@code since}, and never further back than the
   * longest one (a request is checked against it first, so that it is told; this only keeps a
   * {@code since} right at the edge from reaching past it a few milliseconds later).
   */
  private Instant since(Instant since) {
    Instant now = clock.instant();
    if (since == null) {
      return now.minus(settings.defaultWindow());
    }
    Instant earliest = now.minus(settings.maxWindow());
    return since.isBefore(earliest) ? earliest : since;
  }

  private Entry entry(FingerprintHistory.Group group) {
    ErrorFingerprint fingerprint =
        ErrorFingerprint.of(
            group.failureType(),
            group.errorType(),
            group.message(),
            group.checks().stream().filter(c -> !c.passed()).map(CheckOutcome::name).toList());
    Double rate = group.retries() == 0 ? null : (double) group.retriesSucceeded() / group.retries();
    Set<FailureType> nonRetryable =
        policies
            .current()
            .resolve(null, group.source(), group.pipeline(), group.phase(), null)
            .policy()
            .nonRetryable();
    FingerprintSuggestion suggestion =
        FingerprintSuggestion.of(
            group.failureType(),
            group.pipeline(),
            group.phase(),
            group.source(),
            group.retries(),
            group.retriesSucceeded(),
            nonRetryable,
            settings.suggestMinRetries(),
            settings.suggestBelowRate());
    return new Entry(group, fingerprint, rate, suggestion);
  }
}
