package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class UnsendableTest {

  @Test
  void shouldFindARecordTooLargeBehindTheTransactionsErrorState() {
    RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
    KafkaException commit =
        new KafkaException(
            "Cannot execute transactional method because we are in an error state", tooLarge);

    assertThat(Unsendable.cause(commit)).isSameAs(tooLarge);
  }

  @Test
  void shouldNeverParkForAnErrorThatARetryCanMend() {
    assertThat(Unsendable.cause(new TimeoutException("broker away"))).isNull();
    assertThat(Unsendable.cause(new KafkaException("fenced", new IllegalStateException())))
        .isNull();
  }
}
