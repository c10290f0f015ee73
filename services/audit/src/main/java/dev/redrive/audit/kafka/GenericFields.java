package dev.redrive.audit.kafka;

import dev.redrive.audit.domain.EventFacts;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/** Reads the fields the audit indexes from any version of any Redrive event. */
final class GenericFields {

  private GenericFields() {}

  /** The pipeline: on the envelope (attempts, process events) or in the payload (commands). */
  static String pipeline(GenericRecord event) {
    String own = text(event, "pipeline");
    return own != null ? own : text(body(event), "pipeline");
  }

  /**
   * The failure type: of the failure itself (AttemptFailed, InterventionRequired), or of the latest
   * prior attempt for what a retry carries (RetryContextAssembled, RetryCommand).
   */
  static String failureType(GenericRecord event) {
    GenericRecord body = body(event);
    String own = text(body, "failureType");
    if (own != null) {
      return own;
    }
    if (value(body, "context") instanceof GenericRecord context
        && value(context, "priorAttempts") instanceof List<?> prior
        && !prior.isEmpty()
        && prior.get(prior.size() - 1) instanceof GenericRecord latest) {
      return text(latest, "failureType");
    }
    return null;
  }

  /**
   * The phase and the resubmission links the execution index keeps. A pause's {@code phase} is the
   * scope it holds, not where the execution is, so it is not taken.
   */
  static EventFacts facts(GenericRecord event) {
    GenericRecord body = body(event);
    String type = body.getSchema().getName();
    String phase = null;
    if (!"RetriesPaused".equals(type) && !"RetriesUnpaused".equals(type)) {
      phase = text(body, "phase");
      phase = phase != null ? phase : text(body, "toPhase");
    }
    return new EventFacts(phase, text(body, "resubmitOf"), text(body, "newExecutionId"));
  }

  /** A field as text; null when the record has no such field or it is null. */
  static String text(GenericRecord record, String field) {
    Object value = value(record, field);
    return value == null ? null : value.toString();
  }

  private static GenericRecord body(GenericRecord event) {
    return value(event, "payload") instanceof GenericRecord payload ? payload : event;
  }

  private static Object value(GenericRecord record, String field) {
    return record.hasField(field) ? record.get(field) : null;
  }
}
