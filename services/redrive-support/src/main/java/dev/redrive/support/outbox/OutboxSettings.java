package dev.redrive.support.outbox;

import java.time.Duration;

/**
 * How the outbox relay works.
 *
 * @param pollInterval longest wait between two looks at the outbox when nobody wakes the relay
 * @param batchSize rows published per transaction (a row holds the messages that one transaction
 *     wrote with one due time, up to about 7 kB: {@link OutboxRows})
 * @param sendTimeout how long the relay waits for the broker to acknowledge a batch
 * @param retryBackoff wait after a failed batch (broker or database down) before trying again
 * @param transactionalIdPrefix the start of the relay producer's {@code transactional.id} (the
 *     relay's id follows): one per service, so a Kafka ACL can grant each service's principal its
 *     own prefix and no service can fence another's relay
 * @param shards how many shards the outbox table is published in ({@link OutboxShards}): the
 *     table's own count, which instances share fairly
 */
public record OutboxSettings(
    Duration pollInterval,
    int batchSize,
    Duration sendTimeout,
    Duration retryBackoff,
    String transactionalIdPrefix,
    int shards) {}
