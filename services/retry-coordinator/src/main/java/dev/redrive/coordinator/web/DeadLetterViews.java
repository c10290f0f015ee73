package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.deadletter.ListDeadLetters;
import dev.redrive.coordinator.app.deadletter.ReplayDeadLetters;
import dev.redrive.coordinator.domain.deadletter.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Dead letters as the API shows them. */
final class DeadLetterViews {

  /** Header values longer than this are cut (a stack trace), saying so. */
  static final int MAX_HEADER_CHARS = 4096;

  /** Bytes of a value that does not decode shown as base64 (and the first 64 as hex). */
  static final int VALUE_EXCERPT_BYTES = 1024;

  /** Spring's dead-letter headers that hold a big-endian number, not text. */
  private static final Set<String> NUMBERS =
      Set.of(
          "kafka_dlt-original-partition",
          "kafka_dlt-original-offset",
          "kafka_dlt-original-timestamp");

  private DeadLetterViews() {}

  /** The summary a listing shows: no headers, no value. */
  static Map<String, Object> summary(DeadLetter letter, int replays) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("coordinates", letter.at().toString());
    view.put("topic", letter.at().topic());
    view.put("partition", letter.at().partition());
    view.put("offset", letter.at().offset());
    view.put("originalTopic", letter.originalTopic());
    view.put(
        "originalPartition", letter.originalPartition() < 0 ? null : letter.originalPartition());
    view.put("originalOffset", letter.originalOffset() < 0 ? null : letter.originalOffset());
    view.put("group", letter.group());
    view.put("reason", letter.reason());
    view.put("timestamp", letter.timestamp());
    view.put("key", letter.key());
    view.put("valueSize", letter.value() == null ? null : letter.valueSize());
    view.put("replayCount", letter.replayCount());
    view.put("replays", replays);
    return view;
  }

  /** Everything about one letter: its headers, and its value decoded or as an excerpt. */
  static Map<String, Object> full(ListDeadLetters.Shown shown, JsonMapper json) {
    Map<String, Object> view = summary(shown.letter(), shown.replays());
    List<Map<String, Object>> headers = new ArrayList<>();
    for (DeadLetter.Header header : shown.letter().headers()) {
      headers.add(header(header));
    }
    view.put("headers", headers);
    view.put("value", value(shown.letter().value(), shown.decoded(), json));
    return view;
  }

  private static Map<String, Object> header(DeadLetter.Header header) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", header.name());
    byte[] value = header.value();
    if (value == null) {
      view.put("value", null);
      return view;
    }
    if (NUMBERS.contains(header.name()) && (value.length == 4 || value.length == 8)) {
      ByteBuffer buffer = ByteBuffer.wrap(value);
      view.put("value", Long.toString(value.length == 4 ? buffer.getInt() : buffer.getLong()));
      return view;
    }
    String text = utf8(value);
    if (text != null) {
      boolean cut = text.length() > MAX_HEADER_CHARS;
      view.put("value", cut ? text.substring(0, MAX_HEADER_CHARS) : text);
      if (cut) {
        view.put("truncated", true);
        view.put("size", value.length);
      }
    } else {
      boolean cut = value.length > MAX_HEADER_CHARS;
      view.put("encoding", "base64");
      view.put(
          "value",
          Base64.getEncoder().encodeToString(cut ? Arrays.copyOf(value, MAX_HEADER_CHARS) : value));
      if (cut) {
        view.put("truncated", true);
        view.put("size", value.length);
      }
    }
    return view;
  }

  private static Map<String, Object> value(byte[] value, String decoded, JsonMapper json) {
    Map<String, Object> view = new LinkedHashMap<>();
    if (value == null) {
      view.put("encoding", "none");
      view.put("size", 0);
      view.put(
          "note", "dead-lettered without its value (too large); read it at its original offset");
      return view;
    }
    view.put("size", value.length);
    if (decoded != null) {
      view.put("encoding", "avro");
      try {
        view.put("json", json.readTree(decoded));
      } catch (JacksonException notStrictJson) {
        view.put("text", decoded);
      }
      return view;
    }
    boolean cut = value.length > VALUE_EXCERPT_BYTES;
    byte[] excerpt = cut ? Arrays.copyOf(value, VALUE_EXCERPT_BYTES) : value;
    view.put("encoding", "base64");
    view.put("base64", Base64.getEncoder().encodeToString(excerpt));
    view.put("hex", HexFormat.of().formatHex(Arrays.copyOf(excerpt, Math.min(64, excerpt.length))));
    view.put("truncated", cut);
    return view;
  }

  /**
   * The text, when the bytes are UTF-8 without control characters other than line breaks and tabs.
   */
  private static String utf8(byte[] value) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value));
      for (int i = 0; i < chars.length(); i++) {
        char c = chars.charAt(i);
        if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
          return null;
        }
      }
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The answer to a replay or its dry run. */
  static Map<String, Object> replay(ReplayDeadLetters.Result result) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("replayId", result.replayId());
    view.put("dryRun", result.dryRun());
    view.put("matched", result.matched());
    view.put("replayed", result.replayed());
    view.put("skipped", result.skipped());
    view.put("failed", result.failed());
    view.put("next", result.next() == null ? null : DeadLetterCursor.text(result.next()));
    view.put("durationMs", result.duration().toMillis());
    view.put("scanned", result.scanned());
    view.put("stoppedEarly", result.stoppedEarly());
    List<Map<String, Object>> letters = new ArrayList<>();
    for (ReplayDeadLetters.Line line : result.lines()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("coordinates", line.letter().at().toString());
      entry.put("originalTopic", line.letter().originalTopic());
      entry.put("key", line.letter().key());
      entry.put("reason", line.letter().reason());
      entry.put("outcome", line.outcome());
      entry.put("detail", line.detail());
      entry.put("replayCount", line.replayCount() == 0 ? null : line.replayCount());
      letters.add(entry);
    }
    view.put("letters", letters);
    view.put("message", message(result));
    return view;
  }

  private static String message(ReplayDeadLetters.Result result) {
    String done =
        result.dryRun()
            ? "Dry run: %d of %d dead letters would be replayed"
                .formatted(result.replayed(), result.matched())
            : "Replayed %d of %d dead letters".formatted(result.replayed(), result.matched());
    StringBuilder message = new StringBuilder(done);
    if (result.skipped() > 0) {
      message.append(", ").append(result.skipped()).append(" skipped (see each letter's detail)");
    }
    if (result.failed() > 0) {
      message.append(", ").append(result.failed()).append(" failed to send");
    }
    if (result.next() != null) {
      message.append("; more may match: run it again with \"after\": the value of 'next'");
    }
    return message.toString();
  }
}
