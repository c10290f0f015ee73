package dev.redrive.coordinator.app.deadletter;

import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import dev.redrive.coordinator.domain.deadletter.DeadLetterCoordinates;
import dev.redrive.coordinator.domain.deadletter.DeadLetterSelection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dead-letter topics, read (never consumed as a group): implemented by the Kafka adapter. */
public interface DeadLetters {

  /**
   * The topics whose dead letters can be listed and replayed: Redrive's own, and the configured
   * sources' failure and command topics, by their names (not the {@code .DLT} names).
   */
  List<String> originalTopics();

  /**
   * The letters the selection matches, in a fixed order: topic by topic (in the order of {@link
   * #originalTopics()}), partition by partition, oldest first within a partition. Reads at most
   * {@code maxScanned} records and stops at {@code limit} matches.
   */
  Scan scan(Query query);

  /** The letter at these coordinates, if there is one. */
  Optional<DeadLetter> find(DeadLetterCoordinates at);

  /** The value as JSON when it decodes as Avro (generically, with the registry); else empty. */
  Optional<String> decoded(DeadLetter letter);

  /** Records in each dead-letter topic now (end offsets minus beginning offsets), by its name. */
  Map<String, Long> sizes();

  /**
   * @param after where to go on from ({@link Scan#next()} of the page before); null = the start
   */
  record Query(DeadLetterSelection selection, Position after, int limit, int maxScanned) {}

  /** The next offset to read in a partition of a dead-letter topic. */
  record Position(String topic, int partition, long offset) {}

  /**
   * @param next where the next page starts; null when every matching letter was read
   * @param scanned records read to find these
   * @param stoppedEarly why the scan stopped before the end of the topics, when it did: the scan
   *     budget or the time was used up (a limit reached is not early); null otherwise
   */
  record Scan(List<DeadLetter> letters, Position next, long scanned, String stoppedEarly) {}
}
