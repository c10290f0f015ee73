package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import dev.redrive.coordinator.domain.deadletter.ReplayPace;
import dev.redrive.coordinator.domain.deadletter.ReplayPlan;
import dev.redrive.support.id.TimeOrderedIds;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A person replays dead letters: the selected records go back to the topic they came from, at a
 * bounded rate, each at most once unless forced ({@link ReplayPlan} says which and why not). A dry
 * run goes through the same selection, plan and order and only counts ({@link ReplaySink}). Either
 * way the replay is a decision event (who, why, the selection, the counts) and a log line.
 */
@Service
public class ReplayDeadLetters {

  private static final Logger log = LoggerFactory.getLogger(ReplayDeadLetters.class);

  private final DeadLetters deadLetters;
  private final ReplayLog replayLog;
  private final DeadLetterSender sender;
  private final DeadLetterEvents events;
  private final DeadLetterLimits limits;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final MeterRegistry meters;
  private final Waiter waiter;

  /** Waits between sends; tests pass one that does not sleep. */
  interface Waiter {
    void await(Duration wait) throws InterruptedException;
  }

  @Autowired
  public ReplayDeadLetters(
      DeadLetters deadLetters,
      ReplayLog replayLog,
      DeadLetterSender sender,
      DeadLetterEvents events,
      DeadLetterLimits limits,
      TransactionTemplate transactions,
      Clock clock,
      MeterRegistry meters) {
    this(
        deadLetters,
        replayLog,
        sender,
        events,
        limits,
        transactions,
        clock,
        meters,
        wait -> TimeUnit.NANOSECONDS.sleep(wait.toNanos()));
  }

  ReplayDeadLetters(
      DeadLetters deadLetters,
      ReplayLog replayLog,
      DeadLetterSender sender,
      DeadLetterEvents events,
      DeadLetterLimits limits,
      TransactionTemplate transactions,
      Clock clock,
      MeterRegistry meters,
      Waiter waiter) {
    this.deadLetters = deadLetters;
    this.replayLog = replayLog;
    this.sender = sender;
    this.events = events;
    this.limits = limits;
    this.transactions = transactions;
    this.clock = clock;
    this.meters = meters;
    this.waiter = waiter;
    // at zero from the start, so that dashboards show 0 rather than no data
    for (String topic : deadLetters.originalTopics()) {
      replayed(topic);
      failed(topic);
      for (ReplayPlan.Skip skip : ReplayPlan.Skip.values()) {
        skipped(topic, skip);
      }
    }
  }

  /**
   * @param after where a filter's scan goes on from (the {@code next} of an earlier replay); null =
   *     from the start
   * @param limit the most dead letters a filter selects (coordinates select exactly those named)
   * @param force replay letters replayed before, and re-parked ones, all the same
   */
  public record Request(
      DeadLetterSelection selection,
      DeadLetters.Position after,
      int limit,
      boolean dryRun,
      int ratePerSecond,
      boolean force,
      String requestedBy,
      String note) {}

  /** What happened to one selected letter. */
  public enum Outcome {
    REPLAYED,
    WOULD_REPLAY,
    SKIPPED,
    FAILED
  }

  /**
   * @param detail why it was skipped ({@link ReplayPlan.Skip} name) or why its send failed
   * @param replayCount the replay count the sent record carries (or would carry)
   */
  public record Line(DeadLetter letter, Outcome outcome, String detail, int replayCount) {}

  /**
   * @param next where the rest of the filter's matches start (pass it as {@code after}); null when
   *     there are no more
   * @param duration how long the sends take at the rate (estimated for a dry run)
   */
  public record Result(
      String replayId,
      boolean dryRun,
      List<Line> lines,
      int matched,
      int replayed,
      int skipped,
      int failed,
      DeadLetters.Position next,
      Duration duration,
      long scanned,
      String stoppedEarly) {}

  public DeadLetterLimits limits() {
    return limits;
  }

  /** Plans the replay, refuses it when it would take too long, then counts or sends each step. */
  public Result replay(Request request) {
    String replayId = TimeOrderedIds.uuid();
    Selected selected = select(request);
    ReplayPlan plan =
        ReplayPlan.of(
            selected.letters(),
            replayLog.replays(selected.letters().stream().map(DeadLetter::at).toList()).keySet(),
            request.selection().explicit(),
            request.force());
    ReplayPace pace = new ReplayPace(request.ratePerSecond());
    Duration duration = pace.duration(plan.sends().size());
    if (duration.compareTo(limits.maxReplayDuration()) > 0) {
      throw new ReplayRefusedException(
          "ratePerSecond",
          "%d dead letters at %d per second take %d s, more than the %d s one replay may take;"
                  .formatted(
                      plan.sends().size(),
                      request.ratePerSecond(),
                      duration.toSeconds(),
                      limits.maxReplayDuration().toSeconds())
              + " raise ratePerSecond or select fewer (limit)");
    }
    ReplaySink sink = request.dryRun() ? new CountingSink() : new SendingSink(replayId, request);
    List<Line> lines = carryOut(plan, pace, sink);
    Result result = result(replayId, request, lines, selected, duration);
    transactions.executeWithoutResult(status -> events.replayed(result, request));
    log.info(
        "{} {} by {}: {}: {} matched, {} {}, {} skipped, {} failed{}",
        request.dryRun() ? "dry run of dead-letter replay" : "dead-letter replay",
        replayId,
        LogText.escape(String.valueOf(request.requestedBy())),
        LogText.escape(request.selection().describe()),
        result.matched(),
        result.replayed(),
        request.dryRun() ? "would be replayed" : "replayed",
        result.skipped(),
        result.failed(),
        request.note() == null ? "" : ": " + LogText.escape(request.note()));
    return result;
  }

  private record Selected(
      List<DeadLetter> letters, DeadLetters.Position next, long scanned, String early) {}

  private Selected select(Request request) {
    DeadLetterSelection selection = request.selection();
    if (selection.explicit()) {
      List<DeadLetter> letters = new ArrayList<>();
      // each named letter once, however often it is named
      for (DeadLetterCoordinates at : new java.util.LinkedHashSet<>(selection.coordinates())) {
        DeadLetter letter =
            deadLetters.find(at).orElseThrow(() -> new DeadLetterNotFoundException(at));
        if (selection.matches(letter)) {
          letters.add(letter);
        }
      }
      return new Selected(letters, null, letters.size(), null);
    }
    DeadLetters.Scan scan =
        deadLetters.scan(
            new DeadLetters.Query(
                selection, request.after(), request.limit(), limits.maxScanned()));
    return new Selected(scan.letters(), scan.next(), scan.scanned(), scan.stoppedEarly());
  }

  private List<Line> carryOut(ReplayPlan plan, ReplayPace pace, ReplaySink sink) {
    List<Line> lines = new ArrayList<>(plan.steps().size());
    Instant start = clock.instant();
    int sent = 0;
    for (ReplayPlan.Step step : plan.steps()) {
      if (!step.sends()) {
        lines.add(new Line(step.letter(), Outcome.SKIPPED, step.skip().name(), 0));
        continue;
      }
      try {
        sink.await(pace.waitBefore(start, sent, clock.instant()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while replaying dead letters", e);
      }
      sent++;
      lines.add(sink.send(step));
    }
    return lines;
  }

  private Result result(
      String replayId, Request request, List<Line> lines, Selected selected, Duration duration) {
    int replayed = 0;
    int skipped = 0;
    int failed = 0;
    for (Line line : lines) {
      switch (line.outcome()) {
        case REPLAYED, WOULD_REPLAY -> replayed++;
        case SKIPPED -> skipped++;
        case FAILED -> failed++;
      }
      if (!request.dryRun()) {
        count(line);
      }
    }
    return new Result(
        replayId,
        request.dryRun(),
        lines,
        lines.size(),
        replayed,
        skipped,
        failed,
        selected.next(),
        duration,
        selected.scanned(),
        selected.early());
  }

  private void count(Line line) {
    String topic = line.letter().originalTopic();
    switch (line.outcome()) {
      case REPLAYED -> replayed(topic).increment();
      case SKIPPED -> skipped(topic, ReplayPlan.Skip.valueOf(line.detail())).increment();
      case FAILED -> failed(topic).increment();
      case WOULD_REPLAY -> {}
    }
  }

  private Counter replayed(String topic) {
    return Counter.builder("redrive.dlt.replayed")
        .description("Dead letters a person replayed to the topic they came from")
        .tag("topic", topic)
        .register(meters);
  }

  private Counter skipped(String topic, ReplayPlan.Skip why) {
    return Counter.builder("redrive.dlt.replay.skipped")
        .description("Selected dead letters a replay did not send, by why")
        .tag("topic", topic)
        .tag("reason", why.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .register(meters);
  }

  private Counter failed(String topic) {
    return Counter.builder("redrive.dlt.replay.failed")
        .description("Dead-letter replays whose send the broker did not take")
        .tag("topic", topic)
        .register(meters);
  }

  /** The dry run: every step that sends is counted, nothing is claimed or sent, nobody waits. */
  private static final class CountingSink implements ReplaySink {
    @Override
    public void await(Duration wait) {}

    @Override
    public Line send(ReplayPlan.Step step) {
      return new Line(step.letter(), Outcome.WOULD_REPLAY, null, step.nextReplayCount());
    }
  }

  /**
   * The real replay: claims each letter in the replay log, then sends it; a failed send is freed.
   */
  private final class SendingSink implements ReplaySink {
    private final String replayId;
    private final Request request;

    SendingSink(String replayId, Request request) {
      this.replayId = replayId;
      this.request = request;
    }

    @Override
    public void await(Duration wait) throws InterruptedException {
      if (!wait.isZero()) {
        waiter.await(wait);
      }
    }

    @Override
    public Line send(ReplayPlan.Step step) {
      DeadLetter letter = step.letter();
      if (!replayLog.claim(letter.at(), replayId, request.requestedBy(), request.force())) {
        return new Line(letter, Outcome.SKIPPED, ReplayPlan.Skip.ALREADY_REPLAYED.name(), 0);
      }
      try {
        sender.send(letter, step.nextReplayCount());
        return new Line(letter, Outcome.REPLAYED, null, step.nextReplayCount());
      } catch (RuntimeException e) {
        replayLog.release(letter.at(), replayId);
        log.warn(
            "replay {}: could not send {} back to {}: {}",
            replayId,
            letter.at(),
            LogText.escape(letter.originalTopic()),
            LogText.escape(String.valueOf(e.getMessage())));
        return new Line(letter, Outcome.FAILED, String.valueOf(e.getMessage()), 0);
      }
    }
  }
}
