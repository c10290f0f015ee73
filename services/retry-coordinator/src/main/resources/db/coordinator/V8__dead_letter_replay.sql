-- Dead letters a person replayed (POST /api/v1/dead-letters/replay), by their place in the
-- dead-letter topic: a replay claims a row before it sends, so the same dead letter is not sent
-- twice by accident (two replays at once, or the same selection run again); "force" sends it again
-- and counts up. A re-parked record (it failed again) is a new dead letter at new coordinates.
CREATE TABLE dead_letter_replay (
    dlt_topic         text        NOT NULL,
    dlt_partition     integer     NOT NULL,
    dlt_offset        bigint      NOT NULL,
    replays           integer     NOT NULL,
    last_replay_id    text        NOT NULL,
    last_requested_by text,
    last_replayed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dlt_topic, dlt_partition, dlt_offset)
);
