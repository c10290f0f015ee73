package dev.redrive.bench;

import java.time.Duration;

/**
 * A loop from the failure topic to the pipe's output topic that a measurement starts and counts by
 * the records that reach the output: the raw pipe ({@link PipeProcess.Pipe}) and {@link
 * PostgresFloor}.
 */
interface Contender extends AutoCloseable {

  /** Joins its group and holds its partitions without consuming them ({@link HeldStart}). */
  void startHeld();

  /** Waits until it holds its partitions. */
  void awaitHeld(Duration timeout) throws InterruptedException;

  /** Starts consuming (the clock of a measurement starts just before this). */
  void release();

  /** What went wrong in the loop's threads, or null. */
  RuntimeException failure();

  /** The loop's transactions, for the report. */
  String stats();

  @Override
  void close() throws InterruptedException;
}
