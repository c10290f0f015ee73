package dev.redrive.runner.definition;

/** A pipeline file that cannot be used; the message names the file, the line and the field. */
public class PipelineDefinitionException extends RuntimeException {

  public PipelineDefinitionException(String message) {
    super(message);
  }
}
