package dev.redrive.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttemptBoundTest {

  @Test
  void aFirstAttemptMayRunAsManyAttemptsAsThePolicyAllows() {
    assertThat(AttemptBound.lastAttempt(1, 2, 0)).isEqualTo(2);
    assertThat(AttemptBound.lastAttempt(1, 1, 0)).isEqualTo(1);
  }

  @Test
  void aRetryAfterTheFirstCountedFailureKeepsTheBound() {
    // the coordinator decides a retry of attempt 1's failure: attempt 2, one failure counted
    assertThat(AttemptBound.lastAttempt(2, 2, 1)).isEqualTo(2);
    assertThat(AttemptBound.lastAttempt(2, 3, 1)).isEqualTo(3);
  }

  @Test
  void failuresThatWereNotCountedMoveTheBoundUp() {
    // attempt 1 failed a loop check (numbered, not counted), attempt 2 failed and was counted
    assertThat(AttemptBound.lastAttempt(3, 2, 1)).isEqualTo(3);
  }

  @Test
  void afterACountResetThePhaseGetsAFreshSetOfAttempts() {
    // attempts 1 and 2 failed, a person resets the count and retries: attempt 3, nothing counted
    assertThat(AttemptBound.lastAttempt(3, 2, 0)).isEqualTo(4);
  }

  @Test
  void aResumeKeepsTheCountAsItStands() {
    // the phase failed twice (counted) and is resumed without a reset: its third attempt is the
    // last one; a phase that never failed gets the whole policy from its next number on
    assertThat(AttemptBound.lastAttempt(3, 2, 2)).isEqualTo(3);
    assertThat(AttemptBound.lastAttempt(2, 2, 0)).isEqualTo(3);
  }

  @Test
  void aForcedRetryBeyondTheBoundIsItsOwnLastAttempt() {
    assertThat(AttemptBound.lastAttempt(3, 2, 2)).isEqualTo(3);
    assertThat(AttemptBound.lastAttempt(5, 2, 4)).isEqualTo(5);
  }

  @Test
  void refusesNumbersThatCannotBe() {
    assertThatThrownBy(() -> AttemptBound.lastAttempt(0, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attemptNumber");
    assertThatThrownBy(() -> AttemptBound.lastAttempt(1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> AttemptBound.lastAttempt(1, 2, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("countedFailuresBefore");
  }

  @Test
  void doesNotOverflowWithAHugePolicy() {
    assertThat(AttemptBound.lastAttempt(10, Integer.MAX_VALUE, 0)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void describesAnAttemptWithItsBound() {
    assertThat(AttemptBound.describe(3, 4)).isEqualTo("attempt 3 of 4");
  }

  @Test
  void describesAnAttemptWhoseBoundIsUnknownByItsNumberAlone() {
    assertThat(AttemptBound.describe(3, null)).isEqualTo("attempt 3");
  }
}
