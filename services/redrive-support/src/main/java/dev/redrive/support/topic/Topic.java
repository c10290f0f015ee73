package dev.redrive.support.topic;

import org.apache.avro.specific.SpecificRecord;

/**
 * A Kafka topic of the Redrive contract: its name and the Avro record its values carry. Keys are
 * always the execution id as a string.
 */
public record Topic(String name, Class<? extends SpecificRecord> valueType) {

  /** Suffix of the dead-letter topic that error handlers write to. */
  public static final String DLT_SUFFIX = ".DLT";

  /** The dead-letter topic of this topic. */
  public String deadLetterTopic() {
    return name + DLT_SUFFIX;
  }

  @Override
  public String toString() {
    return name;
  }
}
