package dev.redrive.support.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated {@code SpecificRecord}s or {@code GenericRecord}s) in the
 * Confluent wire format: byte 0 is 0 (magic), bytes 1-4 the schema id as a big-endian int, then the
 * Avro binary encoding.
 *
 * <p>The subject is {@code <topic>-value}, or {@code <topic>-key} for keys (Confluent's
 * TopicNameStrategy). Settings: see {@link AvroSerdeConfig}. A {@code null} value is written as
 * {@code null} (a tombstone). Failures are {@link SerializationException}s.
 *
 * <p>Messages written together can share nested records: within {@link #sharing(Serializer)} a
 * nested record that an earlier message of the same thread wrote (the same object, not an equal
 * one) is copied from its bytes instead of being encoded again. The coordinator's decision sends
 * its retry context in two events; encoding it once was the largest part of what Avro cost there.
 */
public class RedriveAvroSerializer implements Serializer<Object> {

  /** The magic byte that starts every Confluent-framed message. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro body: the magic byte and the 4-byte schema id. */
  public static final int HEADER_SIZE = 5;

  private final Map<Class<?>, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
  private final Map<List<Schema>, DatumReader<Object>> converters = new ConcurrentHashMap<>();

  /**
   * Each thread's buffer and encoder, reused from one message to the next: a buffer that grew with
   * each message (from 256 bytes) and a new encoder per message were 6% of what the coordinator's
   * attempts consumers allocated. A buffer that grew past {@link Encoding#KEPT_BYTES} is not kept.
   */
  private final ThreadLocal<Encoding> encodings = ThreadLocal.withInitial(Encoding::new);

  private SchemaRegistryClient registry;
  private boolean isKey;
  private boolean autoRegisterSchemas = true;
  private boolean useLatestVersion;

  /** Creates a serializer whose registry comes from {@code schema.registry.url} in configure. */
  public RedriveAvroSerializer() {}

  /**
   * Creates a serializer that uses this registry; {@code schema.registry.url} is then not needed.
   */
  public RedriveAvroSerializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /**
   * Returns the subject of a topic's keys or values: {@code <topic>-key} or {@code <topic>-value}.
   */
  public static String subjectFor(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  /**
   * Lets the messages that this thread serializes until {@link Sharing#close()} share the bytes of
   * their nested records: a record object met again is copied from the bytes written the first
   * time. The records must not change while the scope is open. With another serializer than this
   * one, the scope changes nothing.
   */
  public static Sharing sharing(Serializer<?> serializer) {
    if (serializer instanceof RedriveAvroSerializer avro) {
      Encoding encoding = avro.encodings.get();
      encoding.sharingScopes++;
      boolean[] closed = {false};
      return () -> {
        if (!closed[0]) {
          closed[0] = true;
          if (--encoding.sharingScopes == 0) {
            encoding.written.clear();
          }
        }
      };
    }
    return () -> {};
  }

  /** The scope of {@link #sharing(Serializer)}. */
  @FunctionalInterface
  public interface Sharing extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = AvroSerdeConfig.from(configs);
    if (registry == null) {
      registry = SchemaRegistryClients.create(config);
    }
    this.isKey = isKey;
    this.autoRegisterSchemas = config.autoRegisterSchemas();
    this.useLatestVersion = config.useLatestVersion();
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof GenericContainer record)) {
      throw new SerializationException(
          "Cannot write "
              + data.getClass().getName()
              + " as Avro (topic "
              + topic
              + "): expected a generated SpecificRecord or a GenericRecord");
    }
    if (registry == null) {
      throw new SerializationException(
          "RedriveAvroSerializer is not configured: call configure() with "
              + AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }
    String subject = subjectFor(topic, isKey);
    Schema schema = record.getSchema();
    if (useLatestVersion) {
      RegisteredSchema latest = latestVersion(subject, topic);
      if (latest.schema().equals(schema)) {
        return frame(latest.id(), record, writerFor(record), topic);
      }
      GenericContainer converted = convert(record, latest, topic);
      return frame(latest.id(), converted, genericWriter(latest.schema()), topic);
    }
    return frame(schemaId(subject, schema, topic), record, writerFor(record), topic);
  }

  private int schemaId(String subject, Schema schema, String topic) {
    try {
      return autoRegisterSchemas
          ? registry.register(subject, schema)
          : registry.lookup(subject, schema);
    } catch (SchemaRegistryException e) {
      String action =
          autoRegisterSchemas
              ? "register the schema of "
              : "find the schema of (auto.register.schemas=false) ";
      throw new SerializationException(
          "Cannot "
              + action
              + schema.getFullName()
              + " under subject '"
              + subject
              + "' (topic "
              + topic
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private RegisteredSchema latestVersion(String subject, String topic) {
    try {
      return registry.latest(subject);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Cannot find the latest schema of subject '"
              + subject
              + "' (topic "
              + topic
              + ", use.latest.version=true): "
              + e.getMessage(),
          e);
    }
  }

  private byte[] frame(int id, GenericContainer datum, DatumWriter<Object> writer, String topic) {
    Encoding encoding = encodings.get();
    Encoding.Buffer out = encoding.restart();
    out.write(MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = encoding.encoder(out);
      encoding.message = datum;
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot write "
              + datum.getSchema().getFullName()
              + " as Avro with schema id "
              + id
              + " (topic "
              + topic
              + "): "
              + e,
          e);
    } finally {
      encoding.message = null;
    }
    return out.toByteArray();
  }

  /** A thread's buffer and the encoder that writes into it. */
  private static final class Encoding {
    static final int KEPT_BYTES = 64 * 1024;

    /** Nested records smaller than this are encoded again: copying them would save little. */
    static final int SHARED_BYTES = 256;

    private Buffer buffer = new Buffer();
    private BinaryEncoder encoder;

    /** How many {@link #sharing(Serializer)} scopes are open on this thread. */
    private int sharingScopes;

    /** The bytes of the nested records written while sharing, by identity. */
    private final Map<Object, byte[]> written = new IdentityHashMap<>();

    /** The record being written: its own bytes are not kept, only those of records it holds. */
    private Object message;

    /** The buffer, empty. */
    Buffer restart() {
      if (buffer.capacity() > KEPT_BYTES) {
        buffer = new Buffer();
      }
      buffer.reset();
      return buffer;
    }

    BinaryEncoder encoder(Buffer out) {
      encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
      return encoder;
    }

    /**
     * A {@link ByteArrayOutputStream} without its locks: only its thread writes it, and the direct
     * encoder writes every number and string of a message separately. Its synchronized writes were
     * about 3% of the attempts consumers' samples (issue 16).
     */
    static final class Buffer extends ByteArrayOutputStream {
      Buffer() {
        super(4096);
      }

      int capacity() {
        return buf.length;
      }

      @Override
      public void write(int b) {
        ensureRoom(1);
        buf[count++] = (byte) b;
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureRoom(length);
        System.arraycopy(bytes, offset, buf, count, length);
        count += length;
      }

      @Override
      public void writeBytes(byte[] bytes) {
        write(bytes, 0, bytes.length);
      }

      @Override
      public void reset() {
        count = 0;
      }

      @Override
      public int size() {
        return count;
      }

      @Override
      public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
      }

      private void ensureRoom(int more) {
        int needed = Math.addExact(count, more);
        if (needed > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
      }

      byte[] copyFrom(int start) {
        return Arrays.copyOfRange(buf, start, count);
      }
    }
  }

  /**
   * Writes generated records with two shortcuts that the coordinator's decision path was profiled
   * for (issue 16): a union of null and one other type picks its branch without looking up the
   * datum's schema name (what {@code GenericData.resolveUnion} does for every optional field), and
   * while {@link #sharing(Serializer)}, a nested record written before is copied from its bytes.
   */
  private final class SpecificWriter extends SpecificDatumWriter<Object> {

    SpecificWriter(Schema schema, SpecificData data) {
      super(schema, data);
    }

    @Override
    protected int resolveUnion(Schema union, Object datum) {
      List<Schema> branches = union.getTypes();
      if (branches.size() == 2) {
        boolean nullFirst = branches.get(0).getType() == Schema.Type.NULL;
        if (nullFirst || branches.get(1).getType() == Schema.Type.NULL) {
          // the other branch writes a non-null datum: generated classes' typed setters keep it
          // of that branch's type (a datum of neither type fails there, or is written as a
          // number of another width, which only untyped records could hold)
          return (datum == null) == nullFirst ? 0 : 1;
        }
      }
      return super.resolveUnion(union, datum);
    }

    @Override
    protected void writeRecord(Schema schema, Object datum, Encoder out) throws IOException {
      Encoding encoding = encodings.get();
      // only what is written straight into the thread's buffer can be found in it again
      if (encoding.sharingScopes == 0 || out != encoding.encoder || datum == encoding.message) {
        super.writeRecord(schema, datum, out);
        return;
      }
      byte[] earlier = encoding.written.get(datum);
      if (earlier != null) {
        out.writeFixed(earlier);
        return;
      }
      int start = encoding.buffer.size();
      super.writeRecord(schema, datum, out);
      if (encoding.buffer.size() - start >= Encoding.SHARED_BYTES) {
        encoding.written.put(datum, encoding.buffer.copyFrom(start));
      }
    }
  }

  /** Re-reads a record with the latest schema, the way a consumer with that schema would. */
  private GenericContainer convert(GenericContainer record, RegisteredSchema latest, String topic) {
    Schema own = record.getSchema();
    ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
      writerFor(record).write(record, encoder);
      encoder.flush();
      DatumReader<Object> reader =
          converters.computeIfAbsent(
              List.of(own, latest.schema()),
              pair -> new GenericDatumReader<>(own, latest.schema(), GenericData.get()));
      return (GenericContainer)
          reader.read(null, DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot write "
              + own.getFullName()
              + " with the latest schema of subject '"
              + latest.subject()
              + "' (id "
              + latest.id()
              + ", version "
              + latest.version()
              + ", topic "
              + topic
              + "): "
              + e,
          e);
    }
  }

  private DatumWriter<Object> writerFor(GenericContainer record) {
    if (record instanceof SpecificRecord) {
      return specificWriters.computeIfAbsent(
          record.getClass(),
          type -> new SpecificWriter(record.getSchema(), SpecificData.getForClass(type)));
    }
    return genericWriter(record.getSchema());
  }

  private DatumWriter<Object> genericWriter(Schema schema) {
    return genericWriters.computeIfAbsent(
        schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
  }
}
