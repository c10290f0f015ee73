package dev.redrive.coordinator.app;

/** How the database plans the statements of the current transaction. */
@FunctionalInterface
public interface StatementPlans {

  /**
   * Runs {@code writes} with each statement running the plan cached for it, instead of being
   * planned again for the values it was given, as the coordinator's statements otherwise are.
   *
   * <p>Only for statements that write without reading a table (an insert of the batch's rows): a
   * decision batch passes each of them arrays of hundreds of values, and planning them for those
   * values copies the values through the planner (a fifth of the time of the retry context's
   * insert) for a plan that cannot differ. A statement that reads must keep being planned afresh: a
   * plan cached while a table was small would keep scanning it whole as it grew.
   */
  void withCachedPlans(Runnable writes);
}
