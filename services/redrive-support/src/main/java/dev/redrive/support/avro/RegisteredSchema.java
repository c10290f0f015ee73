package dev.redrive.support.avro;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject in a schema registry.
 *
 * @param subject the subject, for example {@code redrive.attempts-value}
 * @param id the registry-wide schema id, the one written into each message
 * @param version the version of the schema within the subject, starting at 1
 * @param schema the schema itself
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

  /** Checks that subject and schema are present. */
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
