package dev.redrive.runner.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The files a phase created, changed or deleted outside its allowed paths: the difference between
 * two snapshots (workspace-relative path to fingerprint) taken before and after it ran. A file
 * whose size and content are unchanged is unchanged, whatever its modification time says.
 */
public record WriteChanges(List<String> created, List<String> changed, List<String> deleted) {

  public WriteChanges {
    created = List.copyOf(created);
    changed = List.copyOf(changed);
    deleted = List.copyOf(deleted);
  }

  public static WriteChanges between(
      Map<String, FileFingerprint> before, Map<String, FileFingerprint> after) {
    List<String> created = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      FileFingerprint was = before.get(path);
      FileFingerprint is = after.get(path);
      if (was == null) {
        created.add(path);
      } else if (is == null) {
        deleted.add(path);
      } else if (!was.equals(is)) {
        changed.add(path);
      }
    }
    return new WriteChanges(created, changed, deleted);
  }

  public boolean isEmpty() {
    return created.isEmpty() && changed.isEmpty() && deleted.isEmpty();
  }

  /** Every path involved, sorted. */
  public List<String> all() {
    TreeSet<String> all = new TreeSet<>(created);
    all.addAll(changed);
    all.addAll(deleted);
    return List.copyOf(all);
  }

  /** One line for messages: what was created, changed and deleted. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (!created.isEmpty()) {
      parts.add("created " + String.join(", ", created));
    }
    if (!changed.isEmpty()) {
      parts.add("changed " + String.join(", ", changed));
    }
    if (!deleted.isEmpty()) {
      parts.add("deleted " + String.join(", ", deleted));
    }
    return String.join("; ", parts);
  }
}
