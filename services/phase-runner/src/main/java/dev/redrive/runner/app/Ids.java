package dev.redrive.runner.app;

import java.util.UUID;

/** Ids of the rows the runner creates: a prefix and 16 random hex digits. */
final class Ids {

  private Ids() {}

  static String newId(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
