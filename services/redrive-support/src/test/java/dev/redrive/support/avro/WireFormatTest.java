package dev.redrive.support.avro;

import static dev.redrive.support.avro.AvroSamples.TOPIC;
import static dev.redrive.support.avro.AvroSamples.VALUE_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.avro.AttemptSummary;
import dev.redrive.avro.CheckResult;
import dev.redrive.avro.CommandEvent;
import dev.redrive.avro.DecisionEvent;
import dev.redrive.avro.FailureType;
import dev.redrive.avro.RetryCommand;
import dev.redrive.avro.RetryContext;
import dev.redrive.avro.RetryContextAssembled;
import dev.redrive.avro.RetryMode;
import dev.redrive.avro.RetryRequested;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  private static final int FOUR_BYTE_ID = 0x01020304;
  private static final String SCOPE = "wire-format-test";

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry(FOUR_BYTE_ID);

  @AfterEach
  void dropScope() {
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  @Test
  void shouldWriteMagicByteThenBigEndianSchemaIdThenPlainAvroBinary() throws IOException {
    // given
    RetryRequested request = AvroSamples.retryRequested();
    byte[] plainAvro = plainAvroBinary(request);

    // when
    byte[] bytes = serializer(Map.of()).serialize(TOPIC, request);

    // then
    assertThat(registry.lookup(VALUE_SUBJECT, RetryRequested.getClassSchema()))
        .isEqualTo(FOUR_BYTE_ID);
    assertThat(bytes).hasSize(5 + plainAvro.length);
    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x01, 0x02, 0x03, 0x04);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(FOUR_BYTE_ID);
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro);
  }

  @Test
  void shouldWriteEachMessageWhole_whenOneSerializerWritesLargerAndSmallerOnesInARow()
      throws IOException {
    // given: one serializer reuses its buffer; the second note outgrows the buffer it keeps
    RedriveAvroSerializer serializer = serializer(Map.of());
    RetryRequested small = AvroSamples.retryRequested();
    RetryRequested large = RetryRequested.newBuilder(small).setNote("n".repeat(100_000)).build();
    RetryRequested medium = RetryRequested.newBuilder(small).setNote("m".repeat(5_000)).build();

    for (RetryRequested request : java.util.List.of(small, medium, large, small, medium)) {
      // when
      byte[] bytes = serializer.serialize(TOPIC, request);

      // then: nothing of an earlier, longer message is left in it
      assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvroBinary(request));
    }
  }

  @Test
  void shouldWriteTheSameBytes_whenMessagesShareANestedRecordInASharingScope() throws IOException {
    // given: a decision's two events carry the same context object
    RedriveAvroSerializer serializer = serializer(Map.of());
    RetryContext context = context("the import fails");
    DecisionEvent assembled = contextAssembled(context);
    CommandEvent command = retryCommand(context, null);
    CommandEvent withPipeline = retryCommand(context, "nightly");

    // when
    List<byte[]> written = new ArrayList<>();
    try (RedriveAvroSerializer.Sharing shared = RedriveAvroSerializer.sharing(serializer)) {
      for (SpecificRecord event : List.of(assembled, command, withPipeline, command)) {
        written.add(serializer.serialize(TOPIC, event));
      }
    }

    // then: each message as it is on its own (the context copied, not encoded again)
    assertThat(body(written.get(0))).isEqualTo(plainAvroBinary(assembled));
    assertThat(body(written.get(1))).isEqualTo(plainAvroBinary(command));
    assertThat(body(written.get(2))).isEqualTo(plainAvroBinary(withPipeline));
    assertThat(body(written.get(3))).isEqualTo(plainAvroBinary(command));
    assertThat(deserializer(true).deserialize(TOPIC, written.get(1))).isEqualTo(command);
  }

  @Test
  void shouldCopyTheBytesOfANestedRecordMetAgainInTheScope_notEncodeItAgain() throws IOException {
    // given: the scope's contract (records do not change in it) broken on purpose, to see the copy
    RedriveAvroSerializer serializer = serializer(Map.of());
    RetryContext context = context("the import fails");
    CommandEvent asFirstWritten = retryCommand(context("the import fails"), null);

    // when
    byte[] second;
    try (RedriveAvroSerializer.Sharing shared = RedriveAvroSerializer.sharing(serializer)) {
      serializer.serialize(TOPIC, contextAssembled(context));
      context.setGuidance("changed inside the scope");
      second = serializer.serialize(TOPIC, retryCommand(context, null));
    }

    // then: the context's bytes are those written the first time
    assertThat(body(second)).isEqualTo(plainAvroBinary(asFirstWritten));
  }

  @Test
  void shouldEncodeARecordChangedAfterTheSharingScopeClosedAsItIsNow() throws IOException {
    // given: a context shared in one scope, then changed
    RedriveAvroSerializer serializer = serializer(Map.of());
    RetryContext context = context("the import fails");
    try (RedriveAvroSerializer.Sharing shared = RedriveAvroSerializer.sharing(serializer)) {
      serializer.serialize(TOPIC, contextAssembled(context));
    }
    context.setGuidance("the import fails again, look at the lock file");
    CommandEvent command = retryCommand(context, null);

    // when: in a new scope, and with none
    byte[] inNewScope;
    try (RedriveAvroSerializer.Sharing shared = RedriveAvroSerializer.sharing(serializer)) {
      inNewScope = serializer.serialize(TOPIC, command);
    }
    byte[] withoutScope = serializer.serialize(TOPIC, command);

    // then
    assertThat(body(inNewScope)).isEqualTo(plainAvroBinary(command));
    assertThat(body(withoutScope)).isEqualTo(plainAvroBinary(command));
  }

  @Test
  void shouldStopSharing_whenAScopeIsClosedTwice() throws IOException {
    // given: a scope closed twice (try-with-resources and an explicit close)
    RedriveAvroSerializer serializer = serializer(Map.of());
    RetryContext context = context("the import fails");
    try (RedriveAvroSerializer.Sharing shared = RedriveAvroSerializer.sharing(serializer)) {
      serializer.serialize(TOPIC, contextAssembled(context));
      shared.close();
    }

    // when: outside any scope, a message with the context, the context changed, another one
    serializer.serialize(TOPIC, contextAssembled(context));
    context.setGuidance("changed after the scope");
    CommandEvent command = retryCommand(context, null);
    byte[] bytes = serializer.serialize(TOPIC, command);

    // then: as it is now, not as the scope saw it
    assertThat(body(bytes)).isEqualTo(plainAvroBinary(command));
  }

  @Test
  void shouldReadBackTheGeneratedClassWhenSpecificReaderIsOn() {
    // given
    RetryRequested request = AvroSamples.retryRequested();
    byte[] bytes = serializer(Map.of()).serialize(TOPIC, request);

    // when
    Object read = deserializer(true).deserialize(TOPIC, bytes);

    // then
    assertThat(read).isInstanceOf(RetryRequested.class).isEqualTo(request);
  }

  @Test
  void shouldReadBackGenericRecordWhenSpecificReaderIsOff() {
    // given
    RetryRequested request = AvroSamples.retryRequested();
    byte[] bytes = serializer(Map.of()).serialize(TOPIC, request);

    // when
    Object read = deserializer(false).deserialize(TOPIC, bytes);

    // then
    assertThat(read).isInstanceOf(GenericRecord.class).isNotInstanceOf(RetryRequested.class);
    GenericRecord record = (GenericRecord) read;
    assertThat(record.getSchema()).isEqualTo(RetryRequested.getClassSchema());
    assertThat(record.get("executionId")).isEqualTo("exec-42");
    assertThat(record.get("occurredAt")).isEqualTo(1_760_000_000_123L);
    assertThat(record.get("mode")).hasToString("RESUBMIT_AS_NEW");
    assertThat(record.get("force")).isEqualTo(true);
    assertThat(record.get("note")).isEqualTo("fix the import");
  }

  @Test
  void shouldReadMessageWrittenWithOlderSchemaIntoTheEvolvedGeneratedClass() {
    // given a producer that still writes RetryRequested without note and dryRun
    Schema older = AvroSamples.olderRetryRequestedSchema();
    GenericRecord oldRecord =
        new GenericRecordBuilder(older)
            .set("eventId", "evt-1")
            .set("executionId", "exec-42")
            .set("occurredAt", 1_760_000_000_123L)
            .set("source", "cli")
            .set("requestId", "req-9")
            .set(
                "mode",
                new GenericData.EnumSymbol(older.getField("mode").schema(), "RETRY_IN_PLACE"))
            .set("requestedBy", "alice")
            .build();
    byte[] bytes = serializer(Map.of()).serialize(TOPIC, oldRecord);

    // when
    Object read = deserializer(true).deserialize(TOPIC, bytes);

    // then
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt())
        .isEqualTo(registry.lookup(VALUE_SUBJECT, older));
    RetryRequested request = (RetryRequested) read;
    assertThat(request.getExecutionId()).isEqualTo("exec-42");
    assertThat(request.getOccurredAt().toEpochMilli()).isEqualTo(1_760_000_000_123L);
    assertThat(request.getMode()).isEqualTo(RetryMode.RETRY_IN_PLACE);
    assertThat(request.getNote()).isNull();
    assertThat(request.getDryRun()).isFalse();
  }

  @Test
  void shouldRegisterUnderTheKeySubjectForKeys() {
    // given
    RedriveAvroSerializer keySerializer = new RedriveAvroSerializer(registry);
    keySerializer.configure(Map.of(), true);

    // when
    keySerializer.serialize(TOPIC, AvroSamples.retryRequested());

    // then
    assertThat(registry.latest("redrive.requests-key").id()).isEqualTo(FOUR_BYTE_ID);
    assertThatThrownBy(() -> registry.latest(VALUE_SUBJECT))
        .isInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void shouldOnlyLookUpTheSchemaWhenAutoRegisterIsOff() {
    // given
    RedriveAvroSerializer serializer =
        serializer(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"));
    RetryRequested request = AvroSamples.retryRequested();

    // when the schema is not registered yet, then
    assertThatThrownBy(() -> serializer.serialize(TOPIC, request))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("auto.register.schemas=false")
        .hasMessageContaining("subject 'redrive.requests-value' not found (404, error 40401)");

    // when somebody registered it
    int id = registry.register(VALUE_SUBJECT, RetryRequested.getClassSchema());
    byte[] bytes = serializer.serialize(TOPIC, request);

    // then
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
  }

  @Test
  void shouldWriteWithTheLatestRegisteredSchemaWhenUseLatestVersionIsOn() {
    // given a newer version of the schema registered after the one the producer was built with
    Schema newer = AvroSamples.newerRetryRequestedSchema();
    registry.register(VALUE_SUBJECT, RetryRequested.getClassSchema());
    int newerId = registry.register(VALUE_SUBJECT, newer);
    RedriveAvroSerializer serializer =
        serializer(
            Map.of(
                AvroSerdeConfig.USE_LATEST_VERSION, true,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false));
    RetryRequested request = AvroSamples.retryRequested();

    // when
    byte[] bytes = serializer.serialize(TOPIC, request);

    // then
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(newerId);
    GenericRecord generic = (GenericRecord) deserializer(false).deserialize(TOPIC, bytes);
    assertThat(generic.getSchema()).isEqualTo(newer);
    assertThat(generic.get("priority")).isNull();
    assertThat(generic.get("requestedBy")).isEqualTo("alice");
    assertThat(deserializer(true).deserialize(TOPIC, bytes)).isEqualTo(request);
  }

  @Test
  void shouldShareOneInMemoryRegistryPerMockScope() {
    // given
    Map<String, Object> producerConfig =
        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);
    Map<String, Object> consumerConfig =
        Map.of(
            AvroSerdeConfig.SCHEMA_REGISTRY_URL,
            "mock://" + SCOPE,
            AvroSerdeConfig.SPECIFIC_AVRO_READER,
            "true");
    RedriveAvroSerializer serializer = new RedriveAvroSerializer();
    serializer.configure(producerConfig, false);
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();
    deserializer.configure(consumerConfig, false);
    RetryRequested request = AvroSamples.retryRequested();

    // when
    byte[] bytes = serializer.serialize(TOPIC, request);

    // then
    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(request);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt())
        .isEqualTo(InMemorySchemaRegistry.forScope(SCOPE).latest(VALUE_SUBJECT).id());
  }

  @Test
  void shouldKeepNullAsNullBothWays() {
    assertThat(serializer(Map.of()).serialize(TOPIC, null)).isNull();
    assertThat(deserializer(true).deserialize(TOPIC, null)).isNull();
  }

  @Test
  void shouldRejectBytesThatDoNotStartWithTheMagicByte() {
    byte[] json = "{\"eventId\":\"evt-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, json))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Unknown magic byte 0x7b: not Confluent-framed Avro (topic redrive.requests)");
  }

  @Test
  void shouldRejectPayloadTooShortForTheSchemaId() {
    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessage(
            "Payload too short: 3 bytes, but Confluent-framed Avro needs at least 5"
                + " (magic byte and 4-byte schema id) (topic redrive.requests)");
    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Empty payload");
  }

  @Test
  void shouldRejectSchemaIdThatTheRegistryDoesNotKnow() {
    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, new byte[] {0, 0, 0, 0, 42, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessage(
            "Unknown schema id 42 (topic redrive.requests): Schema registry at"
                + " mock://(unscoped): schema id 42 not found (404, error 40403)")
        .hasCauseInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void shouldRejectBodyThatDoesNotDecodeWithTheWriterSchema() {
    // given a correct header followed by a string length and nothing else
    int id = registry.register(VALUE_SUBJECT, RetryRequested.getClassSchema());
    byte[] bytes = ByteBuffer.allocate(6).put((byte) 0).putInt(id).put((byte) 2).array();

    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(
            "Cannot decode the Avro body (1 bytes) with writer schema id "
                + id
                + " (topic redrive.requests)");
  }

  @Test
  void shouldSaySoWhenNoGeneratedClassMatchesTheWriterSchema() {
    // given
    Schema schema = AvroSamples.schemaWithoutGeneratedClass();
    GenericRecord record = new GenericRecordBuilder(schema).set("text", "hello").build();
    byte[] bytes = serializer(Map.of()).serialize(TOPIC, record);

    // then
    assertThatThrownBy(() -> deserializer(true).deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("No generated class dev.redrive.avro.NotGenerated");
    assertThat(deserializer(false).deserialize(TOPIC, bytes)).hasToString("{\"text\": \"hello\"}");
  }

  @Test
  void shouldRefuseToSerializeSomethingThatIsNotAnAvroRecord() {
    assertThatThrownBy(() -> serializer(Map.of()).serialize(TOPIC, "plain text"))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("expected a generated SpecificRecord or a GenericRecord");
  }

  @Test
  void shouldNameTheMissingRegistryUrlKey() {
    assertThatThrownBy(() -> new RedriveAvroSerializer().configure(Map.of(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"schema.registry.url\"");
    assertThatThrownBy(() -> new RedriveAvroDeserializer().configure(Map.of(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"schema.registry.url\"");
  }

  @Test
  void shouldTrustRedriveClassesOnConfigureWithoutDroppingWhatAvroTrustedBefore() {
    ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
    try {
      // given Avro trusting only String
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.builder().add(String.class).build());

      // when
      deserializer(true);

      // then
      ClassSecurityPredicate now = ClassSecurityValidator.getGlobal();
      assertThat(now.isTrusted(RetryRequested.class)).isTrue();
      assertThat(now.isTrusted(RetryMode.class)).isTrue();
      assertThat(now.isTrusted(String.class)).isTrue();
      assertThat(now.isTrusted(java.net.URL.class)).isFalse();
    } finally {
      ClassSecurityValidator.setGlobal(before);
    }
  }

  private RedriveAvroSerializer serializer(Map<String, ?> configs) {
    RedriveAvroSerializer serializer = new RedriveAvroSerializer(registry);
    serializer.configure(configs, false);
    return serializer;
  }

  private RedriveAvroDeserializer deserializer(boolean specific) {
    RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer(registry);
    deserializer.configure(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, specific), false);
    return deserializer;
  }

  private static byte[] plainAvroBinary(SpecificRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] body(byte[] message) {
    return Arrays.copyOfRange(message, 5, message.length);
  }

  /** A context of more than the few hundred bytes below which nested records are not shared. */
  private static RetryContext context(String guidance) {
    AttemptSummary attempt =
        AttemptSummary.newBuilder()
            .setAttemptId("exec-42-build-1")
            .setAttemptNumber(1)
            .setFailureType(FailureType.COMMAND_FAILED)
            .setErrorType("exit code 1")
            .setMessage(
                "error: cannot find module 'data'\n" + "at line 12 of loader.js\n".repeat(8))
            .setFailedChecks(
                List.of(CheckResult.newBuilder().setName("unit-tests").setPassed(false).build()))
            .setOccurredAt(Instant.parse("2026-01-29T10:30:00Z"))
            .build();
    return RetryContext.newBuilder()
        .setExecutionId("exec-42")
        .setPhase("build")
        .setCurrentAttempt(2)
        .setMaxAttempts(3)
        .setPriorAttempts(List.of(attempt))
        .setNotes(List.of("alice: the registry was down"))
        .setGuidance(guidance)
        .build();
  }

  private static DecisionEvent contextAssembled(RetryContext context) {
    return DecisionEvent.newBuilder()
        .setEventId("evt-1")
        .setExecutionId("exec-42")
        .setOccurredAt(Instant.ofEpochMilli(1_760_000_000_123L))
        .setSource("retry-coordinator")
        .setPayload(
            RetryContextAssembled.newBuilder().setCommandId("cmd-1").setContext(context).build())
        .build();
  }

  private static CommandEvent retryCommand(RetryContext context, String pipeline) {
    return CommandEvent.newBuilder()
        .setEventId("evt-2")
        .setExecutionId("exec-42")
        .setOccurredAt(Instant.ofEpochMilli(1_760_000_000_124L))
        .setSource("retry-coordinator")
        .setPayload(
            RetryCommand.newBuilder()
                .setCommandId("cmd-1")
                .setPipeline(pipeline)
                .setPhase("build")
                .setAttemptNumber(2)
                .setMaxAttempts(3)
                .setNotBefore(Instant.ofEpochMilli(1_760_000_001_000L))
                .setContext(context)
                .build())
        .build();
  }
}
