package dev.redrive.runner.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The request body of an http phase: text with placeholders {@code ${...}}. Values are inserted
 * JSON-escaped (the template supplies the quotes), so an input value can never change the shape of
 * the body; {@code ${context}} inserts the retry context as a JSON object, or {@code null} on a
 * first attempt.
 *
 * <p>Placeholders: {@code ${execution.id}}, {@code ${pipeline}}, {@code ${phase}}, {@code
 * ${attempt}}, {@code ${maxAttempts}}, {@code ${context}} and {@code ${input.<name>}} for each
 * input the phase declares. {@code ${maxAttempts}} is {@code null} when the attempt's bound is
 * unknown (the phase declares no {@code retry-policy.max-attempts} and the coordinator has not
 * retried it yet).
 */
public final class BodyTemplate {

  /** Placeholder replaced by the retry context JSON (or {@code null}). */
  public static final String CONTEXT = "context";

  /** Placeholders every template may use besides the declared inputs. */
  public static final List<String> BUILT_IN =
      List.of("execution.id", "pipeline", "phase", "attempt", "maxAttempts", CONTEXT);

  private static final String INPUT_PREFIX = "input.";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  private BodyTemplate() {}

  /** The body sent when a phase declares none: every built-in value and every declared input. */
  public static String defaultFor(Phase phase) {
    String inputs =
        phase.inputs().stream()
            .map(i -> "\"%s\": \"${input.%s}\"".formatted(i, i))
            .collect(Collectors.joining(", "));
    return "{\"executionId\": \"${execution.id}\", \"pipeline\": \"${pipeline}\","
        + " \"phase\": \"${phase}\", \"attempt\": ${attempt}, \"maxAttempts\": ${maxAttempts},"
        + " \"inputs\": {"
        + inputs
        + "}, \"context\": ${context}}";
  }

  /** The placeholders a template uses that neither are built in nor name a declared input. */
  public static List<String> unknownPlaceholders(String template, List<String> inputs) {
    List<String> unknown = new ArrayList<>();
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      String name = matcher.group(1);
      boolean known =
          BUILT_IN.contains(name)
              || (name.startsWith(INPUT_PREFIX)
                  && inputs.contains(name.substring(INPUT_PREFIX.length())));
      if (!known) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  /**
   * Fills in a template.
   *
   * @param values built-in values by placeholder name, and inputs as {@code input.<name>}
   * @param contextJson the retry context as JSON, or null on a first attempt
   */
  public static String render(String template, Map<String, String> values, String contextJson) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder body = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String replacement;
      if (CONTEXT.equals(name)) {
        replacement = contextJson == null ? "null" : contextJson;
      } else {
        String value = values.get(name);
        replacement = value == null ? "" : jsonEscape(value);
      }
      matcher.appendReplacement(body, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(body);
    return body.toString();
  }

  /** The text as the inside of a JSON string (without the quotes). */
  static String jsonEscape(String value) {
    StringBuilder escaped = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }
}
