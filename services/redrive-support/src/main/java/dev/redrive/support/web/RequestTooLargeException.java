package dev.redrive.support.web;

import java.io.IOException;

/**
 * A request body went past {@link RequestLimitsProperties#maxRequestBytes()}. It is an {@link
 * IOException} because it is thrown from the body's input stream, in the middle of whatever reads
 * it (Jackson, a String converter); {@link BadRequestProblems} answers it 413 wherever it surfaces.
 */
public class RequestTooLargeException extends IOException {

  private final long limit;

  public RequestTooLargeException(long limit) {
    super(
        "Request body larger than %d bytes; send less, or raise %s"
            .formatted(limit, RequestLimitsProperties.MAX_REQUEST_BYTES));
    this.limit = limit;
  }

  /** The limit in bytes. */
  public long limit() {
    return limit;
  }
}
