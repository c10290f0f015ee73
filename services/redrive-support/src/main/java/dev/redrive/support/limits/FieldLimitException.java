package dev.redrive.support.limits;

import dev.redrive.support.kafka.InvalidEventException;

/**
 * A field of a request or an event is over its limit or outside its charset. On Kafka it is an
 * {@link InvalidEventException}: the record goes to its dead-letter topic at once with this message
 * as the reason. Over REST it is answered 413 ({@link #tooLarge()}) or 400 with this message as the
 * detail. The message names the field and the limit and never repeats the refused value.
 */
public class FieldLimitException extends InvalidEventException {

  private final String field;
  private final String rule;
  private final boolean tooLarge;

  FieldLimitException(String field, String rule, boolean tooLarge, String message) {
    super(message);
    this.field = field;
    this.rule = rule;
    this.tooLarge = tooLarge;
  }

  /** The field as the request or event names it, e.g. {@code parameters.target}. */
  public String field() {
    return field;
  }

  /** Which limit it broke, a fixed word fit for a metric tag: {@code size}, {@code charset}... */
  public String rule() {
    return rule;
  }

  /** True when the value is too large (HTTP 413), false when it is malformed (HTTP 400). */
  public boolean tooLarge() {
    return tooLarge;
  }
}
