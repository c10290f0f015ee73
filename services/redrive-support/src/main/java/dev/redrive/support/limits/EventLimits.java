package dev.redrive.support.limits;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The intake check of every consumed Redrive event: walks the record (envelope, payload, nested
 * records, lists and maps) and checks each string by its field's kind in {@link InputLimits}. Ids
 * keep their charset (an id with a newline would end every live stream at that event), names stay
 * one line, free text and maps stay bounded. A violation is a {@link FieldLimitException}: the
 * record goes to its dead-letter topic with the field and the limit as the reason, and is counted
 * in {@code redrive.input.refused{via=kafka}}.
 */
public final class EventLimits {

  private static final Set<String> IDS =
      Set.of(
          "eventId",
          "executionId",
          "correlationId",
          "commandId",
          "requestId",
          "attemptId",
          "resubmitOf",
          "originalExecutionId",
          "newExecutionId");
  private static final Set<String> NAMES =
      Set.of(
          "source",
          "pipeline",
          "phase",
          "phases",
          "toPhase",
          "fromPhase",
          "target",
          "clearedPhases",
          "errorType",
          "name",
          "requestedBy",
          "currentStatus");
  private static final Set<String> NOTES = Set.of("note", "notes");
  private static final Set<String> PATHS = Set.of("artifactsLocation");

  private final InputLimits limits;
  private final MeterRegistry meters;

  public EventLimits(InputLimits limits, MeterRegistry meters) {
    this.limits = limits;
    this.meters = meters;
  }

  /** Checks every field of the event; throws {@link FieldLimitException} at the first too far. */
  public void check(GenericRecord event) {
    try {
      // without the fields' paths first: nearly every event passes, and building a path string
      // for each of its fields was half of this check's time; one that fails is walked again
      // with them, for a reason that names the field
      record(null, event);
    } catch (FieldLimitException withoutPath) {
      try {
        record(event.getSchema().getName(), event);
      } catch (FieldLimitException refused) {
        refused(meters, "kafka", refused);
        throw refused;
      }
      throw new IllegalStateException("a check failed only without the field's path", withoutPath);
    }
  }

  /** The path of a field of {@code parent}; null while paths are not built. */
  private static String child(String parent, String name) {
    return parent == null ? null : parent + "." + name;
  }

  /** The path of an item of {@code parent}; null while paths are not built. */
  private static String item(String parent, int index) {
    return parent == null ? null : parent + "[" + index + "]";
  }

  /** Counts a refused input in {@code redrive.input.refused{via, rule}}. */
  public static void refused(MeterRegistry meters, String via, FieldLimitException refused) {
    meters.counter("redrive.input.refused", "via", via, "rule", refused.rule()).increment();
  }

  private void record(String path, GenericRecord record) {
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value instanceof GenericRecord nested && "payload".equals(field.name())) {
        record(path == null ? null : nested.getSchema().getName(), nested);
      } else {
        value(child(path, field.name()), field.name(), value);
      }
    }
  }

  private void value(String path, String field, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof CharSequence text) {
      string(path, field, text.toString());
    } else if (value instanceof GenericRecord nested) {
      record(path, nested);
    } else if (value instanceof Collection<?> items) {
      limits.count(path, items.size(), InputLimits.MAX_ITEMS, "a fixed limit");
      int i = 0;
      for (Object item : items) {
        value(item(path, i++), field, item);
      }
    } else if (value instanceof Map<?, ?> map) {
      map(path, field, map);
    }
  }

  private void string(String path, String field, String value) {
    if (IDS.contains(field)) {
      limits.id(path, value);
    } else if (NAMES.contains(field)) {
      limits.name(path, value);
    } else if (NOTES.contains(field)) {
      limits.note(path, value);
    } else if (PATHS.contains(field)) {
      limits.path(path, value);
    } else {
      limits.text(path, value);
    }
  }

  private void map(String path, String field, Map<?, ?> map) {
    if ("parameters".equals(field)) {
      Map<String, String> parameters = new LinkedHashMap<>();
      map.forEach(
          (k, v) ->
              parameters.put(k == null ? null : k.toString(), v == null ? null : v.toString()));
      limits.parameters(path, parameters);
      return;
    }
    boolean attributes = "attributes".equals(field);
    limits.count(
        path,
        map.size(),
        attributes ? InputLimits.MAX_ATTRIBUTES : InputLimits.MAX_ITEMS,
        "a fixed limit");
    int i = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = entry.getKey().toString();
      String keyField = path == null ? null : item(path, i) + " key";
      if (attributes) {
        limits.name(keyField, key);
      } else {
        limits.path(keyField, key);
      }
      // an attribute key is one line by now; a file name may hold anything: name it by position
      String valueField = attributes ? child(path, key) : item(path, i);
      value(valueField, field + "Value", entry.getValue());
      i++;
    }
  }
}
