package dev.redrive.runner.app;

import dev.redrive.runner.domain.Pipeline;

/** A start request names a pipeline this runner does not have (REST 400; on Kafka, the DLT). */
public class UnknownPipelineException extends RequestRefusedException {

  public UnknownPipelineException(String name, Pipelines catalog) {
    super(
        "no pipeline named '%s'; known pipelines: %s"
            .formatted(name, catalog.all().stream().map(Pipeline::name).toList()));
  }
}
