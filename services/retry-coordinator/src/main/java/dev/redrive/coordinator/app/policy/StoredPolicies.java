package dev.redrive.coordinator.app.policy;

import dev.redrive.coordinator.app.Policies;
import dev.redrive.coordinator.domain.PolicyDocument;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.support.log.LogText;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, as stored: the decision path reads them from memory ({@link #current()}
 * costs nothing), and they are reloaded when the store's generation moved (another instance's
 * change, seen by {@link #refreshIfChanged()} every refresh interval; this instance's own change,
 * right after it commits).
 */
public class StoredPolicies implements Policies {

  private static final Logger log = LoggerFactory.getLogger(StoredPolicies.class);

  private final PolicyStore store;
  private volatile Snapshot snapshot;

  private record Snapshot(long generation, PolicySet set) {}

  /**
   * Loads the policies at first use: the configuration seeds the store at start ({@link
   * ChangePolicies#seed}), before the consumers ask.
   */
  public StoredPolicies(PolicyStore store) {
    this.store = store;
  }

  @Override
  public PolicySet current() {
    Snapshot loaded = snapshot;
    if (loaded == null) {
      synchronized (this) {
        if (snapshot == null) {
          snapshot = load();
        }
        loaded = snapshot;
      }
    }
    return loaded.set();
  }

  /**
   * Reloads when the store's generation moved since the last load.
   *
   * @return whether it reloaded
   */
  public synchronized boolean refreshIfChanged() {
    Snapshot before = snapshot;
    if (before == null) {
      snapshot = load();
      return true;
    }
    if (store.generation() == before.generation()) {
      return false;
    }
    snapshot = load();
    if (before.set().version() != snapshot.set().version()) {
      log.info(
          "retry policies version {} in force (was {})",
          snapshot.set().version(),
          before.set().version());
    }
    return true;
  }

  /** The generation first, so a change that commits while the rest is read is loaded next time. */
  private Snapshot load() {
    long generation = store.generation();
    PolicyStore.Version latest =
        store
            .latest()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no version of the retry policies is stored: the configuration seeds the"
                            + " first at start"));
    PolicySet set = PolicyDocument.toPolicySet(latest.document(), latest.version());
    Map<String, PolicyOverride> byExecution = new HashMap<>();
    store
        .overrides()
        .forEach(
            (executionId, override) -> {
              try {
                byExecution.put(
                    executionId,
                    PolicyDocument.toOverride(override.policy(), "override of " + executionId));
              } catch (RuntimeException e) {
                log.error(
                    "the stored policy override of execution {} is not valid and is ignored: {}",
                    LogText.escape(executionId),
                    LogText.escape(String.valueOf(e.getMessage())));
              }
            });
    return new Snapshot(
        generation, new PolicySet(set.version(), set.catalog(), set.budget(), byExecution));
  }
}
