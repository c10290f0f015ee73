package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.deadletter.DeadLetters;
import dev.redrive.support.web.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The {@code next}/{@code after} cursor of dead-letter listings and replays: opaque, URL-safe. */
final class DeadLetterCursor {

  private DeadLetterCursor() {}

  static String text(DeadLetters.Position position) {
    String plain = position.topic() + "\n" + position.partition() + "\n" + position.offset();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position a cursor names; a 400 naming {@code field} when it is not one this API gave or
   * names a topic that is not a dead-letter topic.
   */
  static DeadLetters.Position parse(String field, String value, List<String> originalTopics) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      if (value.length() > 1024) {
        throw new IllegalArgumentException("too long");
      }
      String[] parts =
          new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.UTF_8)
              .split("\n", -1);
      if (parts.length != 3
          || originalTopics.stream().noneMatch(t -> (t + ".DLT").equals(parts[0]))) {
        throw new IllegalArgumentException("not a cursor");
      }
      int partition = Integer.parseInt(parts[1]);
      long offset = Long.parseLong(parts[2]);
      if (partition < 0 || offset < 0) {
        throw new IllegalArgumentException("negative");
      }
      return new DeadLetters.Position(parts[0], partition, offset);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(
          field, "is not a cursor this API gave; pass the 'next' value of the previous answer");
    }
  }
}
