package dev.redrive.coordinator.domain;

import java.util.List;

/**
 * A policy document (or one policy object) that cannot be put in force. Each problem starts with
 * the path of the field it is about: {@code pipelines.demo.phases.build.maxAttempts: must be at
 * least 1, was 0}.
 */
public class InvalidPolicyException extends RuntimeException {

  private final List<String> problems;

  public InvalidPolicyException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, each naming its field's path. */
  public List<String> problems() {
    return problems;
  }
}
