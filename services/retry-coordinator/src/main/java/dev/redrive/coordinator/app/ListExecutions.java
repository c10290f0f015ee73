package dev.redrive.coordinator.app;

import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Finds executions for a person: those that match a filter, most recently changed first, a page at
 * a time. A page ends with a cursor that continues exactly where it stopped, even while executions
 * change (a keyset on the last change and the id, not an offset).
 */
@Service
public class ListExecutions {

  /** Executions per page when the request names no limit. */
  public static final int DEFAULT_LIMIT = 50;

  /** The largest page a request may ask for. */
  public static final int MAX_LIMIT = 500;

  private final ExecutionQueries queries;

  public ListExecutions(ExecutionQueries queries) {
    this.queries = queries;
  }

  /** Where a page stopped: the last execution it showed. */
  public record Cursor(Instant updatedAt, String executionId) {}

  /**
   * @param executions the page, most recently changed first
   * @param next where the next page starts; null when this page is the last
   */
  public record Page(List<ExecutionView> executions, Cursor next) {}

  /**
   * @param after the cursor of the previous page, or null for the first page
   * @param limit 1 to {@link #MAX_LIMIT}
   */
  public Page list(ExecutionFilter filter, Cursor after, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1-%d, was %d".formatted(MAX_LIMIT, limit));
    }
    List<ExecutionView> found = queries.list(filter, after, limit + 1);
    if (found.size() <= limit) {
      return new Page(found, null);
    }
    List<ExecutionView> page = found.subList(0, limit);
    ExecutionView last = page.get(limit - 1);
    return new Page(List.copyOf(page), new Cursor(last.updatedAt(), last.executionId()));
  }
}
