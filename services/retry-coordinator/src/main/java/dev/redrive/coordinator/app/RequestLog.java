package dev.redrive.coordinator.app;

import java.util.Optional;

/** The retry requests answered, so that a repeated request id gets the same answer again. */
public interface RequestLog {

  /** The answer a retry request got, if this request id was seen before. */
  Optional<RetryAnswer> answer(String requestId);

  /** Records a request and its answer; false if the request id was already recorded. */
  boolean save(String requestId, String executionId, RetryAnswer answer);
}
