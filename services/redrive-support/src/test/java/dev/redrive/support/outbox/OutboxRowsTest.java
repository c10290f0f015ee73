package dev.redrive.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.support.outbox.OutboxRows.Encoded;
import dev.redrive.support.outbox.OutboxRows.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxRowsTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void messagesDueAtOnceShareARowInTheirOrderWhateverTheirDueTimeInThePast() {
    List<Row> rows =
        pack(
            List.of(
                message("a", NOW.minusSeconds(5), 100),
                message("b", NOW, 100),
                message("c", NOW.minusMillis(1), 100)),
            NOW,
            1);

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).dueAt()).isEqualTo(NOW);
    assertThat(names(rows.get(0))).containsExactly("a", "b", "c");
  }

  @Test
  void aMessageDueLaterGetsTheRowOfItsDueTimeAndTheRowsFollowTheOrderTheyFirstAppearIn() {
    Instant later = NOW.plusSeconds(30);
    Instant evenLater = NOW.plusSeconds(60);

    List<Row> rows =
        pack(
            List.of(
                message("command-1", later, 100),
                message("decision-1", NOW, 100),
                message("command-2", evenLater, 100),
                message("decision-2", NOW, 100),
                message("command-3", later, 100)),
            NOW,
            1);

    assertThat(rows).extracting(Row::dueAt).containsExactly(later, NOW, evenLater);
    assertThat(names(rows.get(0))).containsExactly("command-1", "command-3");
    assertThat(names(rows.get(1))).containsExactly("decision-1", "decision-2");
    assertThat(names(rows.get(2))).containsExactly("command-2");
  }

  @Test
  void aDueTimeInTheFutureIsRoundedUpToTheNextStepSoTheKafkaTimestampIsNeverEarly() {
    Instant halfAMillisecondIn = NOW.plusSeconds(2).plusNanos(500_000);
    Instant onAStep = NOW.plusSeconds(3).plusMillis(OutboxRows.DUE_STEP_MILLIS);

    List<Row> rows =
        pack(
            List.of(
                message("between", halfAMillisecondIn, 100),
                message("on a step", onAStep, 100),
                message("now", NOW.plusNanos(1).minusNanos(1), 100)),
            NOW,
            1);

    assertThat(rows)
        .extracting(Row::dueAt)
        .containsExactly(NOW.plusSeconds(2).plusMillis(OutboxRows.DUE_STEP_MILLIS), onAStep, NOW);
  }

  @Test
  void messagesDueWithinOneStepShareARowInTheirOrderAndNoneIsDueEarlier() {
    Instant stepStart = NOW.plusSeconds(1);
    List<Encoded> messages = new ArrayList<>();
    for (int i = 1; i < OutboxRows.DUE_STEP_MILLIS; i++) {
      // jittered back-offs: each due at a millisecond of its own, the later first
      messages.add(message("m" + i, stepStart.plusMillis(OutboxRows.DUE_STEP_MILLIS - i), 100));
    }
    messages.add(message("next step", stepStart.plusMillis(OutboxRows.DUE_STEP_MILLIS + 1), 100));

    List<Row> rows = pack(messages, NOW, 1);

    assertThat(rows).hasSize(2);
    assertThat(names(rows.get(0))).hasSize((int) OutboxRows.DUE_STEP_MILLIS - 1).startsWith("m1");
    assertThat(rows.get(0).dueAt()).isEqualTo(stepStart.plusMillis(OutboxRows.DUE_STEP_MILLIS));
    assertThat(rows.get(1).dueAt()).isEqualTo(stepStart.plusMillis(2 * OutboxRows.DUE_STEP_MILLIS));
    for (Row row : rows) {
      assertThat(row.messages())
          .allSatisfy(m -> assertThat(m.dueAt()).isBeforeOrEqualTo(row.dueAt()));
    }
  }

  @Test
  void aGroupIsCutIntoRowsOfAtMostTheRowSizeKeepingItsOrder() {
    List<Encoded> messages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      messages.add(message("m" + i, NOW, 1_000));
    }

    List<Row> rows = pack(messages, NOW, 1);

    assertThat(rows).hasSizeGreaterThan(2);
    assertThat(rows)
        .allSatisfy(
            row ->
                assertThat(row.messages().stream().mapToInt(m -> m.bytes(1)).sum())
                    .isLessThanOrEqualTo(OutboxRows.ROW_BYTES));
    assertThat(rows.stream().flatMap(row -> names(row).stream()))
        .containsExactlyElementsOf(messages.stream().map(Encoded::eventId).toList());
  }

  @Test
  void aMessageLargerThanARowGetsARowOfItsOwn() {
    List<Row> rows =
        pack(
            List.of(
                message("small-1", NOW, 100),
                message("large", NOW, OutboxRows.ROW_BYTES * 2),
                message("small-2", NOW, 100)),
            NOW,
            1);

    assertThat(rows)
        .extracting(row -> names(row))
        .containsExactly(List.of("small-1"), List.of("large"), List.of("small-2"));
  }

  @Test
  void theSizeOfAStringIsItsLengthInUtf8() {
    for (String text : List.of("", "redrive.commands", "é", "€uro", "emoji \uD83D\uDE00 ok")) {
      assertThat(OutboxRows.utf8Length(text))
          .as(text)
          .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aMessageThatCanBeHeldNeverSharesARowWithOneThatCannotAndTheOrderStays() {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    List<Row> rows =
        pack(
            List.of(
                message("scheduled", now, 100),
                held("command", now, List.of("all", "pipeline\u001fdemo")),
                message("context", now, 100)),
            now,
            1);

    assertThat(rows)
        .extracting(OutboxRowsTest::names)
        .containsExactly(List.of("scheduled"), List.of("command"), List.of("context"));
    assertThat(rows.get(0).holdScopes()).isEmpty();
    assertThat(rows.get(1).holdScopes()).containsExactly("all", "pipeline\u001fdemo");
    assertThat(rows.get(2).holdScopes()).isEmpty();
  }

  @Test
  void theHeldMessagesOfSeveralKeysShareRowsAsTheOthersDo() {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    List<String> scopes = List.of("all", "pipeline\u001fdemo");
    List<Row> rows =
        pack(
            List.of(
                keyed("s1", "exec-1", List.of()),
                keyed("c1", "exec-1", List.of()),
                keyed("cmd1", "exec-1", scopes),
                keyed("s2", "exec-2", List.of()),
                keyed("c2", "exec-2", List.of()),
                keyed("cmd2", "exec-2", scopes)),
            now,
            1);

    assertThat(rows)
        .extracting(OutboxRowsTest::names)
        .containsExactly(List.of("s1", "c1", "s2", "c2"), List.of("cmd1", "cmd2"));
  }

  @Test
  void messagesOfKeysInDifferentShardsNeverShareARowAndEachRowNamesItsKeysShard() {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    List<Encoded> messages = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      messages.add(keyed("e" + i, "exec-" + (i % 8), List.of()));
    }

    List<Row> rows = pack(messages, now, 4);

    assertThat(rows).hasSizeBetween(2, 4);
    for (Row row : rows) {
      assertThat(row.messages())
          .allSatisfy(m -> assertThat(OutboxShards.of(m.key(), 4)).isEqualTo(row.shard()));
    }
    assertThat(rows.stream().mapToInt(r -> r.messages().size()).sum()).isEqualTo(40);
    assertThat(pack(messages, now, 1)).hasSize(1).first().extracting(Row::shard).isEqualTo(0);
  }

  private static Encoded keyed(String eventId, String key, List<String> holdScopes) {
    return new Encoded(
        "redrive.decisions",
        key,
        eventId,
        "RetryScheduled",
        new byte[100],
        Instant.parse("2026-12-06T10:00:00Z"),
        holdScopes);
  }

  @Test
  void payloadsExpectedToPackSmallerLetARowTakeMoreMessagesAsStored() {
    List<Encoded> messages = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      messages.add(message("m" + i, NOW, 1_000));
    }

    List<Row> plain = OutboxRows.pack(messages, NOW, 1, 1);
    List<Row> packed = OutboxRows.pack(messages, NOW, 1, 0.25);

    assertThat(packed.size() * 3).isLessThanOrEqualTo(plain.size());
    assertThat(packed)
        .allSatisfy(
            row ->
                assertThat(row.messages().stream().mapToInt(m -> m.bytes(0.25)).sum())
                    .isLessThanOrEqualTo(OutboxRows.ROW_BYTES));
    assertThat(packed.stream().flatMap(row -> names(row).stream()))
        .containsExactlyElementsOf(messages.stream().map(Encoded::eventId).toList());
  }

  @Test
  void noRowExpectsItsPayloadsToPackSmallerThanTheLeastRatioNorLargerThanTheirBytes() {
    List<Encoded> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      messages.add(message("m" + i, NOW, 1_000));
    }

    assertThat(OutboxRows.pack(messages, NOW, 1, 0.001))
        .isEqualTo(OutboxRows.pack(messages, NOW, 1, OutboxRows.MIN_PAYLOAD_RATIO));
    assertThat(OutboxRows.pack(messages, NOW, 1, 3))
        .isEqualTo(OutboxRows.pack(messages, NOW, 1, 1));
  }

  @Test
  void aRowsHalvesKeepItsMessagesInOrderAndItsDueTimeHoldsAndShard() {
    Row row =
        new Row(
            List.of(message("a", NOW, 10), message("b", NOW, 10), message("c", NOW, 10)),
            NOW,
            List.of("pipeline:p"),
            2);

    assertThat(row.halves())
        .extracting(OutboxRowsTest::names)
        .containsExactly(List.of("a"), List.of("b", "c"));
    assertThat(row.halves())
        .allSatisfy(
            half -> {
              assertThat(half.dueAt()).isEqualTo(NOW);
              assertThat(half.holdScopes()).containsExactly("pipeline:p");
              assertThat(half.shard()).isEqualTo(2);
            });
    assertThat(row.storedBytes(100))
        .isEqualTo(100 + row.messages().stream().mapToInt(Encoded::metadataBytes).sum());
  }

  /** The rows as if no payload packed smaller than its bytes. */
  private static List<Row> pack(List<Encoded> messages, Instant now, int shards) {
    return OutboxRows.pack(messages, now, shards, 1);
  }

  private static Encoded message(String eventId, Instant dueAt, int payloadBytes) {
    return new Encoded(
        "redrive.decisions",
        "exec-1",
        eventId,
        "RetryScheduled",
        new byte[payloadBytes],
        dueAt,
        List.of());
  }

  private static Encoded held(String eventId, Instant dueAt, List<String> holdScopes) {
    return new Encoded(
        "redrive.commands", "exec-1", eventId, "RetryCommand", new byte[100], dueAt, holdScopes);
  }

  private static List<String> names(Row row) {
    return row.messages().stream().map(Encoded::eventId).toList();
  }
}
