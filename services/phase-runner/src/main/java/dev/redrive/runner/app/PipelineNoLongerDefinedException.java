package dev.redrive.runner.app;

import dev.redrive.runner.domain.Execution;

/**
 * A command names an execution whose pipeline this runner no longer defines (its file was removed
 * since the execution started): nothing can run.
 */
public class PipelineNoLongerDefinedException extends RequestRefusedException {

  public PipelineNoLongerDefinedException(Execution execution) {
    super(
        "execution %s uses pipeline %s, which is no longer defined"
            .formatted(execution.executionId(), execution.pipeline()));
  }
}
