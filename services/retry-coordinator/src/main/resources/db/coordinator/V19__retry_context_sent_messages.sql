-- Performance step 2 (issue 16): a retry's row keeps the two messages that told of it as they were
-- sent, packed into one LZ4 value (dev.redrive.support.pack.PackedBytes): its RetryCommand, which
-- carries the context, and its RetryScheduled decision, which carries the why; each in the Confluent
-- wire format (schema id, then the Avro body), read back through the schema registry as a consumer
-- reads them. The coordinator encodes both for the outbox anyway; writing the context and the why
-- once more as JSON was about a fifth of what the attempts consumers spent per retry. Read them
-- through the API (GET /api/v1/attempts/{id}?context=true, GET /api/v1/executions/{id}/explain).
-- Rows written before keep their JSON (packed_documents, or the text columns) and are read from it.
ALTER TABLE retry_context ADD COLUMN sent_messages BYTEA;
ALTER TABLE retry_context ALTER COLUMN sent_messages SET STORAGE EXTERNAL;
-- The phase's own policy as the failure declared it (JSON, null when it declared none), which the
-- why of a retry kept before (explain resolves the next decision with it).
ALTER TABLE retry_context ADD COLUMN declared_policy TEXT;
