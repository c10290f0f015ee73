package dev.redrive.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

/** Each bad record is dead-lettered once: by the group that owns its topic. */
class DeadLetterOwnersTest {

  @Test
  void theGroupThatActsOnATopicDeadLettersItsBadRecordsAndTheAuditLeavesThemToIt() {
    assertThat(DeadLetterOwners.deadLetters("redrive.attempts", "coordinator-attempts")).isTrue();
    assertThat(DeadLetterOwners.deadLetters("redrive.attempts", "audit-events")).isFalse();
    assertThat(DeadLetterOwners.deadLetters("redrive.requests", "audit-events")).isFalse();
    assertThat(DeadLetterOwners.deadLetters("redrive.process-events", "audit-events")).isFalse();
    assertThat(DeadLetterOwners.deadLetters("redrive.commands", "runner-commands")).isTrue();
    assertThat(DeadLetterOwners.deadLetters("redrive.commands", "audit-events")).isFalse();
    assertThat(DeadLetterOwners.deadLetters("redrive.decisions", "audit-events")).isTrue();
  }

  @Test
  void aTopicWithoutAnOwnerOrAnUnknownGroupDeadLettersAsBefore() {
    assertThat(DeadLetterOwners.deadLetters("billing.failures", "redrive-coordinator")).isTrue();
    assertThat(DeadLetterOwners.deadLetters("redrive.attempts", null)).isTrue();
    assertThat(DeadLetterOwners.owner("billing.failures")).isNull();
  }

  @Test
  void onlyARecordThatIsBadInItselfIsLeftToTheOwner() {
    var undecodable =
        new BatchListenerFailedException(
            "poison", new DeserializationException("not Avro", new byte[0], false, null), 3);
    var invalid =
        new ListenerExecutionFailedException("failed", new InvalidEventException("no event id"));
    var ownFailure =
        new ListenerExecutionFailedException(
            "failed", new DataIntegrityViolationException("duplicate key"));

    assertThat(DeadLetterRouting.badInItself(undecodable)).isTrue();
    assertThat(DeadLetterRouting.badInItself(invalid)).isTrue();
    assertThat(DeadLetterRouting.badInItself(ownFailure)).isFalse();
  }
}
