package dev.redrive.audit.web;

/**
 * What an SSE field line can carry: the stream's framing is lines, so a CR or LF inside an id, an
 * event name or a data line would end that field early and start another one (a newline in an id
 * ends the event there, and a browser's EventSource then drops the stream). A NUL in an id makes
 * clients ignore it.
 */
final class SseText {

  private SseText() {}

  /**
   * Why the event cannot be written as one SSE event, or null when it can.
   *
   * @param id the {@code id:} field
   * @param name the {@code event:} field
   * @param data the {@code data:} field (one line: compact JSON has no raw line break)
   */
  static String unwritable(String id, String name, String data) {
    if (id == null || breaksLine(id) || id.indexOf('\0') >= 0) {
      return "its id contains a line break or NUL";
    }
    if (name == null || breaksLine(name)) {
      return "its type contains a line break";
    }
    if (data == null || breaksLine(data)) {
      return "its data contains a line break";
    }
    return null;
  }

  private static boolean breaksLine(String text) {
    return text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
  }
}
