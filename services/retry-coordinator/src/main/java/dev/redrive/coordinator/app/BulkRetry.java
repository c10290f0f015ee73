package dev.redrive.coordinator.app;

import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.log.LogText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Retries every PAUSED execution that matches a query, the n-th one {@code n * stagger} later, so
 * that a mass redrive after an outage does not become a retry storm. Each execution's retry is its
 * own request (and transaction).
 */
@Service
public class BulkRetry {

  private static final Logger log = LoggerFactory.getLogger(BulkRetry.class);

  private final ExecutionQueries queries;
  private final RequestRetry requestRetry;
  private final Clock clock;

  public BulkRetry(ExecutionQueries queries, RequestRetry requestRetry, Clock clock) {
    this.queries = queries;
    this.requestRetry = requestRetry;
    this.clock = clock;
  }

  /** The longest a bulk retry may spread its retries: the last one starts at most this late. */
  public static final Duration MAX_SPREAD = Duration.ofDays(7);

  /**
   * Checks the pacing before anything runs: the n-th of {@code limit} retries starts {@code n *
   * stagger} later, which must not be negative nor later than {@link #MAX_SPREAD}.
   *
   * @return what is wrong, or null when the pacing is fine
   */
  public static String spreadProblem(Duration stagger, int limit) {
    if (stagger.isNegative()) {
      return "stagger cannot be negative, was " + stagger;
    }
    long steps = Math.max(0, limit - 1);
    boolean tooLong;
    try {
      tooLong = stagger.multipliedBy(steps).compareTo(MAX_SPREAD) > 0;
    } catch (ArithmeticException overflow) {
      tooLong = true;
    }
    if (tooLong) {
      return ("stagger %s x %d retries spreads them over more than %s; use a smaller stagger or"
              + " limit (stagger x (limit - 1) at most %s)")
          .formatted(stagger, limit, MAX_SPREAD, MAX_SPREAD);
    }
    return null;
  }

  /** Which PAUSED executions to retry; null filters match everything. */
  public record Query(
      String pipeline,
      String phase,
      String failureType,
      Instant from,
      Instant to,
      int limit,
      Duration stagger,
      String note,
      String requestedBy,
      boolean dryRun) {}

  /** The executions matched and the request id of each one's retry. */
  public record Result(int matched, List<String> executionIds, List<String> requestIds) {}

  public Result retryPaused(Query query) {
    String spread = spreadProblem(query.stagger(), query.limit());
    if (spread != null) {
      throw new IllegalArgumentException(spread);
    }
    List<String> executions =
        queries.pausedMatching(
            query.pipeline(),
            query.phase(),
            query.failureType(),
            query.from(),
            query.to(),
            query.limit());
    if (query.dryRun()) {
      return new Result(executions.size(), executions, List.of());
    }
    Instant start = clock.instant();
    List<String> requestIds = new ArrayList<>();
    for (int i = 0; i < executions.size(); i++) {
      String requestId = TimeOrderedIds.uuid();
      requestRetry.request(
          new RetryRequest(
              requestId,
              executions.get(i),
              false,
              false,
              false,
              null,
              query.note(),
              false,
              query.requestedBy(),
              start.plus(query.stagger().multipliedBy(i))));
      requestIds.add(requestId);
    }
    log.info(
        "bulk retry by {}: {} paused executions, staggered by {}",
        LogText.escape(query.requestedBy()),
        executions.size(),
        query.stagger());
    return new Result(executions.size(), executions, requestIds);
  }
}
