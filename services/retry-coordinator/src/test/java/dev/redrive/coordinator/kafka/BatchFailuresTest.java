package dev.redrive.coordinator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.kafka.listener.BatchListenerFailedException;

class BatchFailuresTest {

  private final List<List<String>> calls = new ArrayList<>();

  @Test
  void shouldRecordAWholeBatchInOneCall() {
    BatchFailures.record(calls::add, List.of("a", "b", "c"));

    assertThat(calls).containsExactly(List.of("a", "b", "c"));
  }

  @Test
  void shouldBlameAnOutageOnTheFirstRecordWithoutTryingOneByOne() {
    var outage = new CannotGetJdbcConnectionException("database down");

    assertThatThrownBy(
            () ->
                BatchFailures.record(
                    batch -> {
                      calls.add(batch);
                      throw outage;
                    },
                    List.of("a", "b")))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class,
            e -> {
              assertThat(e.getIndex()).isZero();
              assertThat(e.getCause()).isSameAs(outage);
            });
    assertThat(calls).hasSize(1);
  }

  @Test
  void shouldFindTheRecordThatBreaksTheBatchOneByOneAndBlameItWithItsCause() {
    var broken = new DataIntegrityViolationException("b does not fit");

    assertThatThrownBy(
            () ->
                BatchFailures.record(
                    batch -> {
                      calls.add(batch);
                      if (batch.contains("b")) {
                        throw broken;
                      }
                    },
                    List.of("a", "b", "c")))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class,
            e -> {
              assertThat(e.getIndex()).isEqualTo(1);
              assertThat(e.getCause()).isSameAs(broken);
            });
    // the batch, then "a" alone (committed), then "b" alone; "c" comes again later
    assertThat(calls).containsExactly(List.of("a", "b", "c"), List.of("a"), List.of("b"));
  }

  @Test
  void shouldDecideTheRecordsBeforeOneThatCannotBeReadThenBlameItAlone() {
    var unreadable = new IllegalArgumentException("c has no execution id");

    assertThatThrownBy(
            () ->
                BatchFailures.decide(
                    List.of("a", "b", "c", "d"),
                    record -> {
                      if (record.equals("c")) {
                        throw unreadable;
                      }
                      return record.toUpperCase();
                    },
                    calls::add))
        .isInstanceOfSatisfying(
            BatchListenerFailedException.class,
            e -> {
              assertThat(e.getIndex()).isEqualTo(2);
              assertThat(e.getCause()).isSameAs(unreadable);
            });
    // "a" and "b" in one batch; "d" comes again with the next poll
    assertThat(calls).containsExactly(List.of("A", "B"));
  }

  @Test
  void shouldDecideAWholePollOfReadableRecordsInOneCall() {
    BatchFailures.decide(List.of("a", "b", "c"), String::toUpperCase, calls::add);

    assertThat(calls).containsExactly(List.of("A", "B", "C"));
  }
}
