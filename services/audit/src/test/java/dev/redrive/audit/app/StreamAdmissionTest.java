package dev.redrive.audit.app;

import static dev.redrive.audit.app.StreamAdmission.Verdict.ADMITTED;
import static dev.redrive.audit.app.StreamAdmission.Verdict.TOO_MANY_FROM_ADDRESS;
import static dev.redrive.audit.app.StreamAdmission.Verdict.TOO_MANY_IN_ALL;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamAdmissionTest {

  private final StreamAdmission admission = new StreamAdmission(3, 2);

  @Test
  void shouldAdmitUpToTheLimitPerAddressThenRefuseThatAddressOnly() {
    assertThat(admission.admit("10.0.0.1")).isEqualTo(ADMITTED);
    assertThat(admission.admit("10.0.0.1")).isEqualTo(ADMITTED);

    assertThat(admission.admit("10.0.0.1")).isEqualTo(TOO_MANY_FROM_ADDRESS);
    assertThat(admission.admit("10.0.0.2")).isEqualTo(ADMITTED);
    assertThat(admission.open()).isEqualTo(3);
  }

  @Test
  void shouldRefuseEveryAddressWhenTheTotalIsReachedUntilAStreamIsReleased() {
    admission.admit("a");
    admission.admit("b");
    admission.admit("c");

    assertThat(admission.admit("d")).isEqualTo(TOO_MANY_IN_ALL);

    admission.release("b");
    assertThat(admission.admit("d")).isEqualTo(ADMITTED);
  }

  @Test
  void shouldIgnoreAReleaseOfAnAddressWithoutStreams() {
    admission.admit("a");
    admission.release("unknown");

    assertThat(admission.open()).isEqualTo(1);
  }
}
