package dev.redrive.support.avro;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro (magic byte 0, 4-byte big-endian schema id, Avro binary body) written
 * by {@link RedriveAvroSerializer} or Confluent's {@code KafkaAvroSerializer}.
 *
 * <p>The writer schema comes from the registry by id. With {@code specific.avro.reader=true} the
 * result is the generated class named by the writer schema, read with that class's schema (so a
 * newer class reads older messages); otherwise a {@code GenericRecord} in the writer schema. Every
 * failure, including a registry that does not know the id or cannot be reached, is a {@link
 * SerializationException} saying what was wrong, so that Spring Kafka's {@code
 * ErrorHandlingDeserializer} can send the record to the dead-letter topic.
 *
 * <p>{@link #configure} makes Avro trust the generated classes under {@code dev.redrive} (Avro 1.12
 * refuses to instantiate classes from packages it does not trust), keeping what it trusts already.
 */
public class RedriveAvroDeserializer implements Deserializer<Object> {

  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;
  private boolean specificAvroReader;

  /** Creates a deserializer whose registry comes from {@code schema.registry.url} in configure. */
  public RedriveAvroDeserializer() {}

  /**
   * Creates a deserializer that uses this registry; {@code schema.registry.url} is then not needed.
   */
  public RedriveAvroDeserializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = AvroSerdeConfig.from(configs);
    if (registry == null) {
      registry = SchemaRegistryClients.create(config);
    }
    specificAvroReader = config.specificAvroReader();
    readers.clear();
    RedriveClassTrust.install();
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new SerializationException(
          "Empty payload: not Confluent-framed Avro (topic " + topic + ")");
    }
    if (data[0] != RedriveAvroSerializer.MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "Unknown magic byte 0x%02x: not Confluent-framed Avro (topic %s)", data[0], topic));
    }
    if (data.length < RedriveAvroSerializer.HEADER_SIZE) {
      throw new SerializationException(
          "Payload too short: "
              + data.length
              + " bytes, but Confluent-framed Avro needs at least "
              + RedriveAvroSerializer.HEADER_SIZE
              + " (magic byte and 4-byte schema id) (topic "
              + topic
              + ")");
    }
    int id =
        (data[1] & 0xff) << 24 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 8 | (data[4] & 0xff);
    DatumReader<Object> reader = readerFor(id, topic);
    int offset = RedriveAvroSerializer.HEADER_SIZE;
    try {
      return reader.read(
          null, DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot decode the Avro body ("
              + (data.length - offset)
              + " bytes) with writer schema id "
              + id
              + " (topic "
              + topic
              + "): "
              + e,
          e);
    }
  }

  private DatumReader<Object> readerFor(int id, String topic) {
    DatumReader<Object> reader = readers.get(id);
    if (reader == null) {
      if (registry == null) {
        throw new SerializationException(
            "RedriveAvroDeserializer is not configured: call configure() with "
                + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
      }
      reader = newReader(writerSchema(id, topic), id, topic);
      readers.putIfAbsent(id, reader);
    }
    return reader;
  }

  private Schema writerSchema(int id, String topic) {
    try {
      return registry.getById(id);
    } catch (SchemaRegistryException e) {
      String problem = e.isNotFound() ? "Unknown schema id " : "Cannot fetch the schema with id ";
      throw new SerializationException(
          problem + id + " (topic " + topic + "): " + e.getMessage(), e);
    }
  }

  private DatumReader<Object> newReader(Schema writer, int id, String topic) {
    if (!specificAvroReader || writer.getType() != Schema.Type.RECORD) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    Class<?> type;
    try {
      type = SpecificData.get().getClass(writer);
    } catch (SecurityException e) {
      throw new SerializationException(
          "Avro refuses to load "
              + writer.getFullName()
              + " (schema id "
              + id
              + ", topic "
              + topic
              + "): add its package to the system property org.apache.avro.SERIALIZABLE_PACKAGES",
          e);
    }
    if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
      throw new SerializationException(
          "No generated class "
              + writer.getFullName()
              + " for schema id "
              + id
              + " (topic "
              + topic
              + "): specific.avro.reader=true needs it on the classpath");
    }
    SpecificData model = SpecificData.getForClass(type);
    return new SpecificDatumReader<>(writer, model.getSchema(type), model);
  }
}
