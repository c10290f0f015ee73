package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * A person looks at the dead letters: a page of those a selection matches, or one with its value
 * decoded, each with how many times it was replayed.
 */
@Service
public class ListDeadLetters {

  private final DeadLetters deadLetters;
  private final ReplayLog replayLog;
  private final DeadLetterLimits limits;

  public ListDeadLetters(DeadLetters deadLetters, ReplayLog replayLog, DeadLetterLimits limits) {
    this.deadLetters = deadLetters;
    this.replayLog = replayLog;
    this.limits = limits;
  }

  /** A dead letter and how many times these coordinates were replayed. */
  public record Listed(DeadLetter letter, int replays) {}

  /**
   * @param next where the next page starts; null when there is no more
   * @param stoppedEarly why the scan stopped before the end, or null
   */
  public record Page(
      List<Listed> letters, DeadLetters.Position next, long scanned, String stoppedEarly) {}

  /** One letter, its replays and its value as JSON when it decodes (else null). */
  public record Shown(DeadLetter letter, int replays, String decoded) {}

  /** The topics whose dead letters can be listed. */
  public List<String> topics() {
    return deadLetters.originalTopics();
  }

  /** A page of the letters the selection matches (see {@link DeadLetters#scan}). */
  public Page list(DeadLetterSelection selection, DeadLetters.Position after, int limit) {
    if (limit < 1 || limit > DeadLetterLimits.MAX_PAGE) {
      throw new IllegalArgumentException(
          "limit must be 1-%d, was %d".formatted(DeadLetterLimits.MAX_PAGE, limit));
    }
    DeadLetters.Scan scan =
        deadLetters.scan(new DeadLetters.Query(selection, after, limit, limits.maxScanned()));
    Map<DeadLetterCoordinates, Integer> replays =
        replayLog.replays(scan.letters().stream().map(DeadLetter::at).toList());
    return new Page(
        scan.letters().stream()
            .map(letter -> new Listed(letter, replays.getOrDefault(letter.at(), 0)))
            .toList(),
        scan.next(),
        scan.scanned(),
        scan.stoppedEarly());
  }

  /** The letter at these coordinates, with its value decoded when it can be. */
  public Optional<Shown> show(DeadLetterCoordinates at) {
    return deadLetters
        .find(at)
        .map(
            letter ->
                new Shown(
                    letter,
                    replayLog.replays(List.of(at)).getOrDefault(at, 0),
                    deadLetters.decoded(letter).orElse(null)));
  }
}
