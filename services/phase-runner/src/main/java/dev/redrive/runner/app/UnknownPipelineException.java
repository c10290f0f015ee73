package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.Pipeline;

/** A start request names a pipeline this runner does not have. */
public class UnknownPipelineException extends RuntimeException {

  public UnknownPipelineException(String name, PipelineCatalog catalog) {
    super(
        "no pipeline named '%s'; known pipelines: %s"
            .formatted(name, catalog.all().stream().map(Pipeline::name).toList()));
  }
}
