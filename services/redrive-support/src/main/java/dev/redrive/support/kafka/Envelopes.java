package dev.redrive.support.kafka;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/** Reads the common envelope fields of any Redrive event, specific or generic. */
public final class Envelopes {

  private Envelopes() {}

  /** The event kind: the record name of the {@code payload} branch, or the record's own name. */
  public static String eventType(GenericRecord event) {
    Schema schema = event.getSchema();
    if (schema.getField("payload") != null && event.get("payload") instanceof GenericRecord p) {
      return p.getSchema().getName();
    }
    return schema.getName();
  }

  /** The {@code eventId} field, required on every envelope. */
  public static String eventId(GenericRecord event) {
    return requiredString(event, "eventId");
  }

  /** The {@code executionId} field, required on every envelope. */
  public static String executionId(GenericRecord event) {
    return requiredString(event, "executionId");
  }

  /** The {@code occurredAt} field. */
  public static Instant occurredAt(GenericRecord event) {
    Object value = event.get("occurredAt");
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof Long millis) {
      return Instant.ofEpochMilli(millis);
    }
    throw new InvalidEventException(
        event.getSchema().getName() + " has no occurredAt timestamp: " + value);
  }

  /** Checks the envelope fields every consumer relies on; throws {@link InvalidEventException}. */
  public static void requireEnvelope(SpecificRecord event) {
    GenericRecord generic = (GenericRecord) event;
    eventId(generic);
    executionId(generic);
  }

  private static String requiredString(GenericRecord event, String field) {
    if (event.getSchema().getField(field) == null) {
      throw new InvalidEventException(event.getSchema().getName() + " has no field " + field);
    }
    Object value = event.get(field);
    if (value == null || value.toString().isBlank()) {
      throw new InvalidEventException(
          event.getSchema().getName() + "." + field + " is empty; every Redrive event needs it");
    }
    return value.toString();
  }
}
