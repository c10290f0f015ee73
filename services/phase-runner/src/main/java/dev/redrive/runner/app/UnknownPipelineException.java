package dev.redrive.runner.app;

import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.support.kafka.InvalidEventException;

/** A start request names a pipeline this runner does not have (REST 400; on Kafka, the DLT). */
public class UnknownPipelineException extends InvalidEventException {

  public UnknownPipelineException(String name, PipelineCatalog catalog) {
    super(
        "no pipeline named '%s'; known pipelines: %s"
            .formatted(name, catalog.all().stream().map(Pipeline::name).toList()));
  }
}
