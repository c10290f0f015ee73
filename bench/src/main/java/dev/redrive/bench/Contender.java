package dev.redrive.bench;

/**
 * A loop from the failure topic to the pipe's output topic that a measurement starts and counts by
 * the records that reach the output: the raw pipe ({@link PipeProcess.Pipe}) and {@link
 * PostgresFloor}.
 */
interface Contender extends AutoCloseable {

  /** Starts consuming (the clock of a measurement starts just before this). */
  void start();

  /** What went wrong in the loop's threads, or null. */
  RuntimeException failure();

  /** The loop's transactions, for the report. */
  String stats();

  @Override
  void close() throws InterruptedException;
}
