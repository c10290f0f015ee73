package dev.redrive.audit.app;

import dev.redrive.audit.domain.ExecutionSummary;
import dev.redrive.audit.domain.IndexCursor;
import dev.redrive.audit.domain.IndexQuery;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/** The execution index as people read it: a page at a time, newest last event first. */
@Service
public class ListExecutions {

  /**
   * One page.
   *
   * @param rows the executions on it
   * @param next where the next page starts; null when this is the last
   * @param readAt the database's clock before the page was read: a live stream started from it
   *     misses no change
   */
  public record Page(List<ExecutionSummary> rows, IndexCursor next, Instant readAt) {}

  private final ExecutionIndex index;

  public ListExecutions(ExecutionIndex index) {
    this.index = index;
  }

  /** The page the query asks for. */
  public Page page(IndexQuery query) {
    Instant readAt = index.now();
    List<ExecutionSummary> rows =
        index.page(
            new IndexQuery(
                query.pipeline(),
                query.status(),
                query.idContains(),
                query.after(),
                query.limit() + 1));
    if (rows.size() <= query.limit()) {
      return new Page(rows, null, readAt);
    }
    List<ExecutionSummary> shown = rows.subList(0, query.limit());
    return new Page(List.copyOf(shown), IndexCursor.after(shown.get(shown.size() - 1)), readAt);
  }
}
