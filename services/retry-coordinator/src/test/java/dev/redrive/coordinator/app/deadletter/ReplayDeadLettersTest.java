package dev.redrive.coordinator.app.deadletter;

import static dev.redrive.coordinator.domain.deadletter.Letters.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** The replay use case on in-memory topics, log and sender: the dry run and the real run alike. */
class ReplayDeadLettersTest {

  private final List<DeadLetter> topic = new ArrayList<>(List.of(letter(0), letter(1), letter(2)));
  private final Map<DeadLetterCoordinates, Integer> log = new HashMap<>();
  private final List<String> sent = new ArrayList<>();
  private final List<Duration> waits = new ArrayList<>();
  private final List<ReplayDeadLetters.Result> events = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private String failingKey;

  private final ReplayDeadLetters replay =
      new ReplayDeadLetters(
          new InMemoryDeadLetters(),
          new InMemoryLog(),
          (letter, count) -> {
            if (letter.key().equals(failingKey)) {
              throw new IllegalStateException("broker said no");
            }
            sent.add(letter.key() + "#" + count);
          },
          (result, request) -> events.add(result),
          new DeadLetterLimits(10_000, 1000, 1000, 10, Duration.ofSeconds(20)),
          new TransactionTemplate(new NoTransactions()),
          Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC),
          meters,
          waits::add);

  @Test
  void aDryRunGoesThroughTheSamePlanAndSendsNothing() {
    log.put(letter(1).at(), 1);

    ReplayDeadLetters.Result result = replay.replay(request(true, false, 2));

    assertThat(result.dryRun()).isTrue();
    assertThat(result.lines())
        .extracting(ReplayDeadLetters.Line::outcome)
        .containsExactly(
            ReplayDeadLetters.Outcome.WOULD_REPLAY,
            ReplayDeadLetters.Outcome.SKIPPED,
            ReplayDeadLetters.Outcome.WOULD_REPLAY);
    assertThat(result.replayed()).isEqualTo(2);
    assertThat(result.skipped()).isEqualTo(1);
    assertThat(sent).isEmpty();
    assertThat(waits).isEmpty();
    assertThat(log).containsOnlyKeys(letter(1).at());
    assertThat(events).containsExactly(result);
    assertThat(
            meters.get("redrive.dlt.replayed").tag("topic", "redrive.attempts").counter().count())
        .isZero();
  }

  @Test
  void aReplaySendsAtTheRateRemembersWhatItSentAndSkipsItTheNextTime() {
    ReplayDeadLetters.Result first = replay.replay(request(false, false, 2));
    ReplayDeadLetters.Result second = replay.replay(request(false, false, 2));

    assertThat(first.replayed()).isEqualTo(3);
    assertThat(sent).containsExactly("exec_0#1", "exec_1#1", "exec_2#1");
    // at 2 per second, from a fixed clock: the second waits 0.5 s, the third 1 s
    assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(second.replayed()).isZero();
    assertThat(second.lines())
        .extracting(ReplayDeadLetters.Line::detail)
        .containsOnly("ALREADY_REPLAYED");
    assertThat(
            meters
                .get("redrive.dlt.replay.skipped")
                .tags("topic", "redrive.attempts", "reason", "already-replayed")
                .counter()
                .count())
        .isEqualTo(3.0);
  }

  @Test
  void aForcedReplaySendsAgainAndCountsUp() {
    replay.replay(request(false, false, 10));
    replay.replay(request(false, true, 10));

    assertThat(sent).hasSize(6);
    assertThat(log).containsValues(2, 2, 2);
  }

  @Test
  void aFailedSendIsCountedAndFreedSoThatItCanBeReplayedLater() {
    failingKey = "exec_1";

    ReplayDeadLetters.Result result = replay.replay(request(false, false, 10));

    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.lines().get(1).detail()).contains("broker said no");
    assertThat(log).doesNotContainKey(letter(1).at()).containsKey(letter(2).at());
    assertThat(
            meters
                .get("redrive.dlt.replay.failed")
                .tag("topic", "redrive.attempts")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void aReplayThatWouldTakeLongerThanAllowedIsRefusedBeforeAnythingIsSent() {
    for (int i = 3; i < 30; i++) {
      topic.add(letter(i));
    }

    assertThatThrownBy(() -> replay.replay(request(true, false, 1)))
        .isInstanceOf(ReplayRefusedException.class)
        .hasMessageContaining("30 dead letters at 1 per second take 29 s")
        .extracting(e -> ((ReplayRefusedException) e).field())
        .isEqualTo("ratePerSecond");
    assertThat(sent).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void namedCoordinatesThatHoldNoLetterAreNotFound() {
    DeadLetterSelection named =
        new DeadLetterSelection(
            null,
            null,
            null,
            null,
            null,
            List.of(DeadLetterCoordinates.parse("redrive.attempts.DLT/0/99")));

    assertThatThrownBy(
            () ->
                replay.replay(
                    new ReplayDeadLetters.Request(
                        named, null, 10, false, 10, false, "alice", null)))
        .isInstanceOf(DeadLetterNotFoundException.class)
        .hasMessageContaining("redrive.attempts.DLT/0/99");
  }

  private static ReplayDeadLetters.Request request(boolean dryRun, boolean force, int rate) {
    return new ReplayDeadLetters.Request(
        new DeadLetterSelection("redrive.attempts", null, null, null, null, List.of()),
        null,
        100,
        dryRun,
        rate,
        force,
        "alice",
        "registry fixed");
  }

  private final class InMemoryDeadLetters implements DeadLetters {
    @Override
    public List<String> originalTopics() {
      return List.of("redrive.attempts");
    }

    @Override
    public Scan scan(Query query) {
      List<DeadLetter> found =
          topic.stream().filter(query.selection()::matches).limit(query.limit()).toList();
      return new Scan(found, null, topic.size(), null);
    }

    @Override
    public Optional<DeadLetter> find(DeadLetterCoordinates at) {
      return topic.stream().filter(l -> l.at().equals(at)).findFirst();
    }

    @Override
    public Optional<String> decoded(DeadLetter letter) {
      return Optional.empty();
    }

    @Override
    public Map<String, Long> sizes() {
      return Map.of("redrive.attempts.DLT", (long) topic.size());
    }
  }

  private final class InMemoryLog implements ReplayLog {
    @Override
    public Map<DeadLetterCoordinates, Integer> replays(Collection<DeadLetterCoordinates> letters) {
      Map<DeadLetterCoordinates, Integer> replays = new HashMap<>();
      letters.forEach(at -> Optional.ofNullable(log.get(at)).ifPresent(n -> replays.put(at, n)));
      return replays;
    }

    @Override
    public boolean claim(
        DeadLetterCoordinates letter, String replayId, String requestedBy, boolean force) {
      if (log.containsKey(letter) && !force) {
        return false;
      }
      log.merge(letter, 1, Integer::sum);
      return true;
    }

    @Override
    public void release(DeadLetterCoordinates letter, String replayId) {
      log.computeIfPresent(letter, (at, n) -> n == 1 ? null : n - 1);
    }
  }

  /** The work runs, nothing is committed or rolled back. */
  private static final class NoTransactions implements PlatformTransactionManager {
    @Override
    public TransactionStatus getTransaction(TransactionDefinition definition) {
      return new SimpleTransactionStatus();
    }

    @Override
    public void commit(TransactionStatus status) {}

    @Override
    public void rollback(TransactionStatus status) {}
  }
}
