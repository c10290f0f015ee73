-- A retry's context (as sent) and its decision's why are written packed into one LZ4 value
-- (dev.redrive.support.pack.PackedBytes: the context's JSON, then the why's JSON, empty when there
-- is none): LZ4 keeps about two thirds of their bytes, and PostgreSQL's cost of the insert on
-- every retry follows its bytes. Read them through the API (GET /api/v1/attempts/{id}?context=true,
-- GET /api/v1/executions/{id}/explain). Rows written before keep their text columns and are read
-- from them. The value is compressed already, so PostgreSQL keeps it as it is (EXTERNAL).
ALTER TABLE retry_context ADD COLUMN packed_documents BYTEA;
ALTER TABLE retry_context ALTER COLUMN packed_documents SET STORAGE EXTERNAL;
ALTER TABLE retry_context ALTER COLUMN context DROP NOT NULL;
