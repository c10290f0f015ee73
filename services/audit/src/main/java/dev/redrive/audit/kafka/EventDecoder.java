package dev.redrive.audit.kafka;

import dev.redrive.support.avro.RedriveAvroDeserializer;
import dev.redrive.support.kafka.InvalidEventException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Decodes a record's value into a {@link GenericRecord} in its writer's schema, with the consumer's
 * registry settings ({@code specific.avro.reader} is false for the audit).
 *
 * <p>The audit receives the raw bytes and decodes here, not in the consumer's deserializer, so that
 * a record it cannot keep (it does not decode, or it is not a Redrive event) reaches the
 * dead-letter topic as the bytes it was: the dead-letter publisher writes raw bytes and generated
 * records, not generic ones.
 */
@Component
class EventDecoder implements DisposableBean {

  private final RedriveAvroDeserializer deserializer = new RedriveAvroDeserializer();

  EventDecoder(KafkaProperties kafkaProperties) {
    deserializer.configure(kafkaProperties.buildConsumerProperties(), false);
  }

  /** The decoded event; {@link InvalidEventException} when the value is empty or not Avro. */
  GenericRecord decode(ConsumerRecord<String, byte[]> record) {
    Object value;
    try {
      value = deserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (SerializationException e) {
      InvalidEventException invalid =
          new InvalidEventException("does not decode: " + e.getMessage());
      invalid.initCause(e);
      throw invalid;
    }
    if (!(value instanceof GenericRecord event)) {
      throw new InvalidEventException(
          "empty record (a tombstone) on " + record.topic() + ": Redrive topics carry events only");
    }
    return event;
  }

  @Override
  public void destroy() {
    deserializer.close();
  }
}
