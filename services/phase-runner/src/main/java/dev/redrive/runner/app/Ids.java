package dev.redrive.runner.app;

import dev.redrive.support.id.TimeOrderedIds;

/**
 * Ids of the rows the runner creates: a prefix and 24 hex digits that sort by the millisecond they
 * were made ({@link TimeOrderedIds#prefixed}), which keeps the indexes on them (the runner's and
 * the coordinator's attempt tables) writing near their ends.
 */
final class Ids {

  private Ids() {}

  static String newId(String prefix) {
    return TimeOrderedIds.prefixed(prefix);
  }
}
