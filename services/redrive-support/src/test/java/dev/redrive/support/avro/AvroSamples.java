package dev.redrive.support.avro;

import dev.redrive.avro.RetryMode;
import dev.redrive.avro.RetryRequested;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/** Records and schemas shared by the serde tests. */
final class AvroSamples {

  static final String TOPIC = "redrive.requests";
  static final String VALUE_SUBJECT = "redrive.requests-value";

  private AvroSamples() {}

  static RetryRequested retryRequested() {
    return RetryRequested.newBuilder()
        .setEventId("evt-1")
        .setExecutionId("exec-42")
        .setOccurredAt(Instant.ofEpochMilli(1_760_000_000_123L))
        .setSource("cli")
        .setCorrelationId("corr-7")
        .setRequestId("req-9")
        .setMode(RetryMode.RESUBMIT_AS_NEW)
        .setForce(true)
        .setFromPhase("build")
        .setNote("fix the import")
        .setRequestedBy("alice")
        .build();
  }

  /** RetryRequested as it was before {@code note} and {@code dryRun} were added. */
  static Schema olderRetryRequestedSchema() {
    Schema current = RetryRequested.getClassSchema();
    List<Schema.Field> fields =
        current.getFields().stream()
            .filter(field -> !Set.of("note", "dryRun").contains(field.name()))
            .map(field -> new Schema.Field(field, field.schema()))
            .toList();
    return Schema.createRecord(
        current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  /** RetryRequested with one more optional field, {@code priority}, as a later release might. */
  static Schema newerRetryRequestedSchema() {
    Schema current = RetryRequested.getClassSchema();
    List<Schema.Field> fields =
        new java.util.ArrayList<>(
            current.getFields().stream()
                .map(field -> new Schema.Field(field, field.schema()))
                .toList());
    fields.add(
        new Schema.Field(
            "priority",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.INT)),
            "How urgent the retry is.",
            JsonProperties.NULL_VALUE));
    return Schema.createRecord(
        current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  /** A record schema that no generated class implements. */
  static Schema schemaWithoutGeneratedClass() {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"NotGenerated\",\"namespace\":\"dev.redrive.avro\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}");
  }
}
