package dev.redrive.support.avro;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that the Avro serde needs.
 *
 * <p>Implementations are thread-safe and cache what cannot change (ids and schemas), so that
 * serializing the same kind of record again makes no round trip. Every failure is a {@link
 * SchemaRegistryException}.
 */
public interface SchemaRegistryClient {

  /**
   * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}); registering a
   * schema that is already there returns its id and creates no new version.
   *
   * @return the schema id
   */
  int register(String subject, Schema schema);

  /**
   * Returns the id of a schema already registered under a subject, without registering it ({@code
   * POST /subjects/{subject}}).
   *
   * @return the schema id
   */
  int lookup(String subject, Schema schema);

  /** Returns the schema with this id ({@code GET /schemas/ids/{id}}). */
  Schema getById(int id);

  /** Returns the latest version of a subject ({@code GET /subjects/{subject}/versions/latest}). */
  RegisteredSchema latest(String subject);
}
