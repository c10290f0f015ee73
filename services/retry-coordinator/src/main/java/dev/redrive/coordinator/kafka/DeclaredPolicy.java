package dev.redrive.coordinator.kafka;

import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.kafka.InvalidEventException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A phase's own retry policy, as a failure carries it in its attributes (the phase-runner puts the
 * policy of the phase's pipeline file there): {@code redrive.policy.max-attempts} (int), {@code
 * redrive.policy.initial-interval}, {@code redrive.policy.max-interval}, {@code
 * redrive.policy.deadline} (ISO-8601 durations such as PT30S), {@code redrive.policy.multiplier},
 * {@code redrive.policy.jitter} (FULL or NONE), {@code redrive.policy.non-retryable} (failure
 * types, comma-separated). A value that does not parse makes the event invalid (dead-lettered with
 * the attribute named).
 */
final class DeclaredPolicy {

  static final String PREFIX = "redrive.policy.";

  private DeclaredPolicy() {}

  static PolicyOverride from(Map<String, String> attributes) {
    if (attributes.keySet().stream().noneMatch(k -> k.startsWith(PREFIX))) {
      return PolicyOverride.NONE;
    }
    PolicyOverride declared =
        new PolicyOverride(
            parse(attributes, "max-attempts", Integer::valueOf),
            parse(attributes, "initial-interval", Duration::parse),
            parse(attributes, "multiplier", Double::valueOf),
            parse(attributes, "max-interval", Duration::parse),
            parse(attributes, "jitter", v -> Jitter.valueOf(v.toUpperCase(Locale.ROOT))),
            parse(attributes, "non-retryable", DeclaredPolicy::failureTypes),
            parse(attributes, "deadline", Duration::parse));
    try {
      declared.applyTo(RetryPolicy.defaults());
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(
          "attributes " + PREFIX + "* are not a valid policy: " + e.getMessage());
    }
    return declared;
  }

  private static Set<FailureType> failureTypes(String value) {
    Set<FailureType> types = EnumSet.noneOf(FailureType.class);
    Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .forEach(s -> types.add(FailureType.valueOf(s.toUpperCase(Locale.ROOT))));
    return types;
  }

  private static <T> T parse(
      Map<String, String> attributes, String key, Function<String, T> parser) {
    String value = attributes.get(PREFIX + key);
    if (value == null) {
      return null;
    }
    try {
      return parser.apply(value.strip());
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new InvalidEventException(
          "attribute %s%s has value '%s', which is not valid: %s"
              .formatted(PREFIX, key, value, e.getMessage()));
    }
  }
}
