package dev.redrive.audit.domain;

import dev.redrive.contract.ExecutionStatus;

/**
 * A page of the execution index: every criterion is optional and they all must hold.
 *
 * @param pipeline executions of this pipeline
 * @param status executions whose status (as the audit knows it) is this one
 * @param idContains executions whose id contains this text (ids are 1-128 characters of {@code A-Z
 *     a-z 0-9 . _ : @ -})
 * @param after the page starts after this row; null for the first page
 * @param limit rows on the page, at least 1
 */
public record IndexQuery(
    String pipeline, ExecutionStatus status, String idContains, IndexCursor after, int limit) {

  public IndexQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  /** Whether a summary belongs in this query's listing (leaving out where the page starts). */
  public boolean matches(ExecutionSummary summary) {
    return (pipeline == null || pipeline.equals(summary.pipeline()))
        && (status == null || status == summary.status())
        && (idContains == null || summary.executionId().contains(idContains));
  }
}
