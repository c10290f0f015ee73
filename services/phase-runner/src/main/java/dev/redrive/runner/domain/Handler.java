package dev.redrive.runner.domain;

import java.time.Duration;

/**
 * What a phase does when it runs: a {@link CommandSpec command} (a process in the workspace) or an
 * {@link HttpSpec http} call (a webhook). Only the pipeline definition decides this.
 */
public sealed interface Handler permits CommandSpec, HttpSpec {

  /** How long the handler may take before it is stopped and the attempt fails with TIMEOUT. */
  Duration timeout();
}
