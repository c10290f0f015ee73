package dev.redrive.coordinator.kafka.external;

import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.config.CoordinatorProperties.Format;
import dev.redrive.coordinator.config.CoordinatorProperties.Mapping;
import dev.redrive.coordinator.config.CoordinatorProperties.SourceSettings;
import dev.redrive.coordinator.domain.Failure;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.limits.EventLimits;
import dev.redrive.support.limits.FieldLimitException;
import dev.redrive.support.limits.InputLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a record of another system's failure topic into Redrive's failure, by the field paths of
 * the source's mapping. A record that does not decode, or lacks a required field, is invalid: it
 * goes to the source topic's DLT with the field named; so does one whose ids or texts are over the
 * {@link InputLimits} (the same as for Redrive's own events: ids keep their charset, the message
 * its size; nothing is truncated).
 */
final class ExternalFailureMapper {

  /** A mapped failure, with the envelope and the attributes kept from the record. */
  record Mapped(EventMeta meta, Failure failure, Map<String, String> attributes) {}

  private static final Set<String> HARD_VALUES = Set.of("HARD", "FALSE", "NO", "0");

  private final String sourceName;
  private final SourceSettings source;
  private final JsonMapper json;
  private final Deserializer<Object> avro;
  private final InputLimits limits;
  private final MeterRegistry meters;

  ExternalFailureMapper(
      String sourceName,
      SourceSettings source,
      JsonMapper json,
      Deserializer<Object> avro,
      InputLimits limits,
      MeterRegistry meters) {
    this.sourceName = sourceName;
    this.source = source;
    this.json = json;
    this.avro = avro;
    this.limits = limits;
    this.meters = meters;
  }

  Mapped map(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new InvalidEventException("source %s: the record has no value".formatted(sourceName));
    }
    RecordFields fields = decode(record);
    Mapping mapping = source.mapping();
    String coordinates = "%s-%d@%d".formatted(record.topic(), record.partition(), record.offset());
    String executionId = required(fields, mapping.executionId(), "execution-id");
    String phase = required(fields, mapping.phase(), "phase");
    String message = required(fields, mapping.message(), "message");
    String failureType = optional(fields, mapping.failureType());
    String retryable = optional(fields, mapping.retryable());
    String retryAfter = optional(fields, mapping.retryAfterMs());
    String attempt = optional(fields, mapping.attempt());
    Instant at = Instant.ofEpochMilli(record.timestamp());
    Failure failure =
        new Failure(
            orDefault(optional(fields, mapping.attemptId()), sourceName + ":" + coordinates),
            phase,
            attempt == null ? 0 : Math.toIntExact(number(attempt, mapping.attempt())),
            type(failureType),
            retryable != null && HARD_VALUES.contains(retryable.strip().toUpperCase(Locale.ROOT)),
            orDefault(
                optional(fields, mapping.errorType()), orDefault(failureType, "external failure")),
            message,
            null,
            List.of(),
            0,
            null,
            at,
            retryAfter == null
                ? null
                : Duration.ofMillis(number(retryAfter, mapping.retryAfterMs())),
            null);
    EventMeta meta =
        new EventMeta(
            orDefault(optional(fields, mapping.eventId()), sourceName + ":" + coordinates),
            executionId,
            optional(fields, mapping.pipeline()),
            sourceName,
            at,
            null);
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("source.record", coordinates);
    for (String path : source.attributes()) {
      fields.text(path).ifPresent(value -> attributes.put(path, value));
    }
    try {
      bounded(meta, failure, attributes);
    } catch (FieldLimitException refused) {
      EventLimits.refused(meters, "kafka", refused);
      throw refused;
    }
    return new Mapped(meta, failure, attributes);
  }

  /** The mapped values within the limits of any consumed event, each named by its source path. */
  private void bounded(EventMeta meta, Failure failure, Map<String, String> attributes) {
    Mapping mapping = source.mapping();
    limits.id(field(mapping.executionId(), "execution-id"), meta.executionId());
    limits.id(field(mapping.eventId(), "event-id"), meta.eventId());
    limits.id(field(mapping.attemptId(), "attempt-id"), failure.attemptId());
    limits.name(field(mapping.phase(), "phase"), failure.phase());
    limits.name(field(mapping.pipeline(), "pipeline"), meta.pipeline());
    limits.name(field(mapping.errorType(), "error-type"), failure.errorType());
    limits.text(field(mapping.message(), "message"), failure.message());
    limits.count(
        "source %s: attributes".formatted(sourceName),
        attributes.size(),
        InputLimits.MAX_ATTRIBUTES,
        "a fixed limit");
    attributes.forEach((path, value) -> limits.text(field(path, "attribute"), value));
  }

  private String field(String path, String name) {
    return "source %s: field '%s' (%s)".formatted(sourceName, path == null ? "" : path, name);
  }

  private RecordFields decode(ConsumerRecord<String, byte[]> record) {
    if (source.format() == Format.JSON) {
      try {
        return RecordFields.of(json.readTree(record.value()));
      } catch (JacksonException e) {
        throw new InvalidEventException(
            "source %s: the record is not valid JSON: %s"
                .formatted(sourceName, e.getOriginalMessage()));
      }
    }
    try {
      Object value = avro.deserialize(record.topic(), record.headers(), record.value());
      if (!(value instanceof GenericRecord generic)) {
        throw new InvalidEventException(
            "source %s: the record is not an Avro record".formatted(sourceName));
      }
      return RecordFields.of(generic);
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      throw new InvalidEventException(
          "source %s: the record is not Avro in the Confluent wire format: %s"
              .formatted(sourceName, e.getMessage()));
    }
  }

  private String required(RecordFields fields, String path, String name) {
    return fields
        .text(path)
        .filter(value -> !value.isBlank())
        .orElseThrow(
            () ->
                new InvalidEventException(
                    "source %s: field '%s' (%s) is missing or empty"
                        .formatted(sourceName, path, name)));
  }

  private static String optional(RecordFields fields, String path) {
    return path == null || path.isBlank() ? null : fields.text(path).orElse(null);
  }

  private long number(String value, String path) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidEventException(
          "source %s: field '%s' is '%s', not a whole number".formatted(sourceName, path, value));
    }
  }

  private static FailureType type(String value) {
    if (value == null) {
      return FailureType.OTHER;
    }
    try {
      return FailureType.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return FailureType.OTHER;
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
