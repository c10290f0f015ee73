package dev.redrive.coordinator.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code class} tag of a failure's fingerprint, bounded: the first {@code max} distinct classes
 * an instance sees keep their name, every later one is {@code other}, so that a reporter with
 * free-form error types cannot grow the metrics without end.
 */
final class FingerprintClasses {

  /** The tag of every class beyond the bound. */
  static final String OTHER = "other";

  private final int max;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  FingerprintClasses(int max) {
    this.max = max;
  }

  /** The tag for {@code errorClass}: itself while there is room, else {@code other}. */
  String tag(String errorClass) {
    if (known.contains(errorClass)) {
      return errorClass;
    }
    synchronized (known) {
      if (known.size() < max) {
        known.add(errorClass);
        return errorClass;
      }
    }
    return OTHER;
  }
}
