package dev.redrive.support.kafka;

import dev.redrive.support.topic.RedriveTopics;
import java.util.Map;

/**
 * Which consumer group dead-letters a bad record of a topic that several groups read, so that each
 * bad record is dead-lettered once, not once per group.
 *
 * <p>The rule: the group that acts on a topic owns it (the coordinator's listeners own the
 * attempts, requests and process events, the runner owns the commands, the audit owns the
 * decisions, which only it reads). When a record is bad in itself (it does not decode, or it is not
 * a valid event: {@link InvalidEventException}), only the owner sends it to {@code <topic>.DLT};
 * every other group counts it in {@code redrive.dlt.deferred{topic, group}}, logs it at WARN and
 * goes on. A failure that is not the record's fault (a handler error of that group) is
 * dead-lettered by the group it happened in, whoever owns the topic: the record is fine, that group
 * could not handle it. A topic without an owner here (another system's failure topic, read by the
 * coordinator alone) is dead-lettered by whoever reads it.
 */
public final class DeadLetterOwners {

  /** Owning group by topic: the listener ids, which are the group ids (part of the contract). */
  static final Map<String, String> OWNERS =
      Map.of(
          RedriveTopics.ATTEMPTS.name(), "coordinator-attempts",
          RedriveTopics.REQUESTS.name(), "coordinator-requests",
          RedriveTopics.PROCESS_EVENTS.name(), "coordinator-process-events",
          RedriveTopics.COMMANDS.name(), "runner-commands",
          RedriveTopics.DECISIONS.name(), "audit-events");

  private DeadLetterOwners() {}

  /** The group that dead-letters the bad records of {@code topic}; null when any reader does. */
  public static String owner(String topic) {
    return OWNERS.get(topic);
  }

  /**
   * Whether {@code group} sends a record of {@code topic} that is bad in itself to the DLT: the
   * owner does, a group that does not own it leaves it to the owner. An unknown group (a container
   * outside Spring's listener threads) or a topic without an owner dead-letters as before.
   */
  public static boolean deadLetters(String topic, String group) {
    String owner = OWNERS.get(topic);
    return owner == null || group == null || owner.equals(group);
  }
}
