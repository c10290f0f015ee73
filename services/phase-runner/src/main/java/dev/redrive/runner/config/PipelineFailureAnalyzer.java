package dev.redrive.runner.config;

import dev.redrive.runner.definition.PipelineDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A runner that stops because of a pipeline file says so at the top, in one line naming the file,
 * line and field, instead of inside a stack trace of bean creation.
 */
public class PipelineFailureAnalyzer extends AbstractFailureAnalyzer<PipelineDefinitionException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, PipelineDefinitionException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Correct the pipeline file named above (its path, line and field), or point"
            + " redrive.runner.pipelines at another folder. With"
            + " redrive.runner.pipelines-reload-interval above 0s a bad file is logged and skipped"
            + " instead of stopping the runner.",
        cause);
  }
}
