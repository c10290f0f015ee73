package dev.redrive.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The optional fields {@code AttemptFailed.declaredPolicy} and {@code AttemptFailed.loop} (which
 * replace the {@code redrive.policy.*} and {@code redrive.loop.*} attributes) work across a rolling
 * upgrade in both directions: a new consumer reads what an old runner or an external system wrote
 * with the released schema (the fields are null, the attributes are still there), and an old
 * consumer reads what a new runner writes (it skips the fields it does not know).
 */
class AttemptFailedFieldsEvolutionTest {

  private static final Instant OCCURRED_AT = Instant.parse("2026-11-23T15:41:51.462Z");

  @Test
  void aRecordWrittenWithTheReleasedSchemaIsReadWithTheNewFieldsNull() throws IOException {
    Schema released = releasedAttemptEvent();
    Schema current = AttemptEvent.getClassSchema();
    Schema failed = branch(released, "AttemptFailed");
    GenericRecord payload =
        new GenericRecordBuilder(failed)
            .set("attemptId", "att-1")
            .set("phase", "build")
            .set("attemptNumber", 1)
            .set("failureType", enumSymbol(failed, "failureType", "COMMAND_FAILED"))
            .set("retryable", enumSymbol(failed, "retryable", "SOFT"))
            .set("errorType", "exit 1")
            .set("errorMessage", "cannot find module 'data'")
            .set(
                "attributes",
                Map.of("redrive.policy.max-attempts", "4", "redrive.loop.target", "develop"))
            .build();
    GenericRecord written =
        new GenericRecordBuilder(released)
            .set("eventId", "evt-1")
            .set("executionId", "exec-1")
            .set("occurredAt", OCCURRED_AT.toEpochMilli())
            .set("source", "redrive-runner")
            .set("payload", payload)
            .build();

    GenericRecord read = roundTrip(written, released, current);

    GenericRecord readPayload = (GenericRecord) read.get("payload");
    assertThat(readPayload.getSchema().getName()).isEqualTo("AttemptFailed");
    assertThat(readPayload.get("declaredPolicy")).isNull();
    assertThat(readPayload.get("loop")).isNull();
    assertThat(readPayload.get("errorMessage")).hasToString("cannot find module 'data'");
    assertThat(attributes(readPayload))
        .containsEntry("redrive.policy.max-attempts", "4")
        .containsEntry("redrive.loop.target", "develop");
  }

  @Test
  void aRecordWithTheNewFieldsIsReadByAConsumerOnTheReleasedSchema() throws IOException {
    Schema released = releasedAttemptEvent();
    AttemptEvent event =
        AttemptEvent.newBuilder()
            .setEventId("evt-2")
            .setExecutionId("exec-2")
            .setOccurredAt(OCCURRED_AT)
            .setSource("redrive-runner")
            .setPipeline("demo")
            .setPayload(
                AttemptFailed.newBuilder()
                    .setAttemptId("att-2")
                    .setPhase("review")
                    .setAttemptNumber(3)
                    .setFailureType(FailureType.EXIT_CRITERIA_NOT_MET)
                    .setRetryable(Retryability.SOFT)
                    .setErrorType("check failed")
                    .setErrorMessage("check 'approved' failed")
                    .setDurationMs(1234)
                    .setAttributes(Map.of("redrive.attempt.origin", "LOOP"))
                    .setDeclaredPolicy(
                        DeclaredPolicy.newBuilder()
                            .setMaxAttempts(4)
                            .setInitialIntervalMs(2_000L)
                            .setMultiplier(1.5)
                            .setMaxIntervalMs(60_000L)
                            .setJitter(Jitter.NONE)
                            .setNonRetryable(List.of(FailureType.TIMEOUT))
                            .setDeadlineMs(3_600_000L)
                            .build())
                    .setLoop(
                        LoopOutcome.newBuilder()
                            .setTarget("develop")
                            .setIterations(2)
                            .setMaxIterations(3)
                            .setExhausted(false)
                            .build())
                    .build())
            .build();

    GenericRecord read = roundTrip(event, AttemptEvent.getClassSchema(), released);

    assertThat(read.get("executionId")).hasToString("exec-2");
    assertThat(read.get("pipeline")).hasToString("demo");
    GenericRecord payload = (GenericRecord) read.get("payload");
    assertThat(payload.getSchema().getField("declaredPolicy")).isNull();
    assertThat(payload.getSchema().getField("loop")).isNull();
    assertThat(payload.get("attemptNumber")).isEqualTo(3);
    assertThat(payload.get("durationMs")).isEqualTo(1234L);
    assertThat(attributes(payload)).containsExactly(Map.entry("redrive.attempt.origin", "LOOP"));
    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(
                    released, AttemptEvent.getClassSchema())
                .getType())
        .as("a consumer on the released AttemptEvent reads the current one (FORWARD)")
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  /** Writes with the writer's schema and reads with the reader's; every byte must be consumed. */
  private static GenericRecord roundTrip(Object written, Schema writer, Schema reader)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    if (written instanceof AttemptEvent specific) {
      new SpecificDatumWriter<AttemptEvent>(writer).write(specific, encoder);
    } else {
      new GenericDatumWriter<GenericRecord>(writer).write((GenericRecord) written, encoder);
    }
    encoder.flush();
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
    GenericRecord read = new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
    assertThat(decoder.isEnd()).as("the reader consumed the whole record").isTrue();
    return read;
  }

  private static Schema releasedAttemptEvent() throws IOException {
    return new Schema.Parser()
        .parse(
            Files.readString(
                SchemaCompatibilityTest.releasedDirectory().resolve("AttemptEvent.avsc")));
  }

  private static Map<String, String> attributes(GenericRecord failed) {
    Map<String, String> attributes = new TreeMap<>();
    ((Map<?, ?>) failed.get("attributes"))
        .forEach((key, value) -> attributes.put(key.toString(), value.toString()));
    return attributes;
  }

  private static Schema branch(Schema event, String name) {
    return event.getField("payload").schema().getTypes().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static GenericData.EnumSymbol enumSymbol(Schema record, String field, String symbol) {
    return new GenericData.EnumSymbol(record.getField(field).schema(), symbol);
  }
}
