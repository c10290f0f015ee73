package dev.redrive.coordinator.kafka;

import dev.redrive.avro.AttemptFailed;
import dev.redrive.avro.DeclaredPolicy;
import dev.redrive.avro.LoopOutcome;
import dev.redrive.coordinator.app.EventMeta;
import dev.redrive.coordinator.domain.FailureType;
import dev.redrive.coordinator.domain.Jitter;
import dev.redrive.coordinator.domain.LoopState;
import dev.redrive.coordinator.domain.PolicyOverride;
import dev.redrive.coordinator.domain.RetryPolicy;
import dev.redrive.support.kafka.InvalidEventException;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place that reads what an {@code AttemptFailed} declares for its decision: the phase's own
 * retry policy ({@code declaredPolicy}) and the state of the phase's loop ({@code loop}), turned
 * into the domain's {@link PolicyOverride} and {@link LoopState}.
 *
 * <p>Older runners and external publishers send the same facts as the attributes {@code
 * redrive.policy.*} and {@code redrive.loop.*}, which are deprecated. They are still read when the
 * event lacks the field (rolling upgrades), logged at WARN once per process and source, and counted
 * in {@code redrive.contract.deprecated.attributes{attribute, source}} (each record read). When an
 * event carries both, the field wins and the attributes are ignored.
 *
 * <p>A value that is not a valid policy (what {@link RetryPolicy} refuses, or an attribute that
 * does not parse) makes the event invalid: it is dead-lettered with the field or attribute named.
 */
@Component
class FailureDeclarations {

  /**
   * What a failure declares: its policy ({@link PolicyOverride#NONE} when none), its loop or null.
   */
  record Declared(PolicyOverride policy, LoopState loop) {}

  static final String DEPRECATED_METER = "redrive.contract.deprecated.attributes";
  static final String POLICY_ATTRIBUTES = "redrive.policy";
  static final String LOOP_ATTRIBUTES = "redrive.loop";

  private static final Logger log = LoggerFactory.getLogger(FailureDeclarations.class);

  private static final PolicyNames FIELD_NAMES =
      new PolicyNames(
          "declaredPolicy.maxAttempts",
          "declaredPolicy.initialIntervalMs",
          "declaredPolicy.multiplier",
          "declaredPolicy.maxIntervalMs",
          "declaredPolicy.deadlineMs");
  private static final PolicyNames ATTRIBUTE_NAMES =
      new PolicyNames(
          "attribute redrive.policy.max-attempts",
          "attribute redrive.policy.initial-interval",
          "attribute redrive.policy.multiplier",
          "attribute redrive.policy.max-interval",
          "attribute redrive.policy.deadline");

  private final MeterRegistry meters;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  FailureDeclarations(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Reads the failure's policy and loop; throws InvalidEventException when they are not valid. */
  Declared read(EventMeta meta, AttemptFailed failed) {
    return new Declared(policy(meta, failed), loop(meta, failed));
  }

  private PolicyOverride policy(EventMeta meta, AttemptFailed failed) {
    if (failed.getDeclaredPolicy() != null) {
      return fromField(failed.getDeclaredPolicy());
    }
    Map<String, String> attributes = failed.getAttributes();
    if (!hasAny(attributes, POLICY_ATTRIBUTES)) {
      return PolicyOverride.NONE;
    }
    deprecated(POLICY_ATTRIBUTES, "declaredPolicy", meta.source());
    return fromAttributes(attributes);
  }

  private LoopState loop(EventMeta meta, AttemptFailed failed) {
    LoopOutcome loop = failed.getLoop();
    if (loop != null) {
      if (loop.getTarget().isBlank()) {
        throw new InvalidEventException("loop.target must name the phase the loop goes back to");
      }
      return new LoopState(loop.getTarget(), loop.getExhausted());
    }
    Map<String, String> attributes = failed.getAttributes();
    if (!hasAny(attributes, LOOP_ATTRIBUTES)) {
      return null;
    }
    deprecated(LOOP_ATTRIBUTES, "loop", meta.source());
    String target = attributes.get(LOOP_ATTRIBUTES + ".target");
    // as the attributes were always read: no target, no loop; exhausted only when "true"
    return target == null
        ? null
        : new LoopState(target, "true".equals(attributes.get(LOOP_ATTRIBUTES + ".exhausted")));
  }

  private static PolicyOverride fromField(DeclaredPolicy declared) {
    Set<FailureType> nonRetryable = EnumSet.noneOf(FailureType.class);
    declared.getNonRetryable().forEach(t -> nonRetryable.add(FailureType.valueOf(t.name())));
    return checked(
        new PolicyOverride(
            declared.getMaxAttempts(),
            millis(declared.getInitialIntervalMs()),
            declared.getMultiplier(),
            millis(declared.getMaxIntervalMs()),
            declared.getJitter() == null ? null : Jitter.valueOf(declared.getJitter().name()),
            // the field cannot tell "none declared" from "an empty set": empty keeps the configured
            nonRetryable.isEmpty() ? null : nonRetryable,
            millis(declared.getDeadlineMs())),
        FIELD_NAMES);
  }

  private static Duration millis(Long millis) {
    return millis == null ? null : Duration.ofMillis(millis);
  }

  /**
   * The deprecated attributes: {@code redrive.policy.max-attempts} (int), {@code
   * .initial-interval}, {@code .max-interval}, {@code .deadline} (ISO-8601 durations such as
   * PT30S), {@code .multiplier}, {@code .jitter} (FULL or NONE), {@code .non-retryable} (failure
   * types, comma-separated).
   */
  private static PolicyOverride fromAttributes(Map<String, String> attributes) {
    return checked(
        new PolicyOverride(
            parse(attributes, "max-attempts", Integer::valueOf),
            parse(attributes, "initial-interval", Duration::parse),
            parse(attributes, "multiplier", Double::valueOf),
            parse(attributes, "max-interval", Duration::parse),
            parse(attributes, "jitter", v -> Jitter.valueOf(v.toUpperCase(Locale.ROOT))),
            parse(attributes, "non-retryable", FailureDeclarations::failureTypes),
            parse(attributes, "deadline", Duration::parse)),
        ATTRIBUTE_NAMES);
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
    String value = attributes.get(POLICY_ATTRIBUTES + "." + key);
    if (value == null) {
      return null;
    }
    try {
      return parser.apply(value.strip());
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new InvalidEventException(
          "attribute %s.%s has value '%s', which is not valid: %s"
              .formatted(POLICY_ATTRIBUTES, key, value, e.getMessage()));
    }
  }

  /** How the event names the settings that a policy may refuse. */
  private record PolicyNames(
      String maxAttempts,
      String initialInterval,
      String multiplier,
      String maxInterval,
      String deadline) {}

  /** The override, each setting checked on its own so that a refusal names it. */
  private static PolicyOverride checked(PolicyOverride o, PolicyNames names) {
    check(
        names.maxAttempts(),
        new PolicyOverride(o.maxAttempts(), null, null, null, null, null, null));
    check(
        names.initialInterval(),
        new PolicyOverride(null, o.initialInterval(), null, null, null, null, null));
    check(
        names.multiplier(), new PolicyOverride(null, null, o.multiplier(), null, null, null, null));
    check(
        names.maxInterval(),
        new PolicyOverride(null, null, null, o.maxInterval(), null, null, null));
    check(names.deadline(), new PolicyOverride(null, null, null, null, null, null, o.deadline()));
    return o;
  }

  private static void check(String name, PolicyOverride alone) {
    try {
      alone.applyTo(RetryPolicy.defaults());
    } catch (IllegalArgumentException refused) {
      throw new InvalidEventException(
          "%s is not a valid policy: %s".formatted(name, refused.getMessage()));
    }
  }

  private static boolean hasAny(Map<String, String> attributes, String prefix) {
    return attributes.keySet().stream().anyMatch(key -> key.startsWith(prefix + "."));
  }

  private void deprecated(String attributes, String field, String source) {
    String from = String.valueOf(source);
    Counter.builder(DEPRECATED_METER)
        .description(
            "AttemptFailed records read whose policy or loop came from the deprecated attributes")
        .tag("attribute", attributes)
        .tag("source", from)
        .register(meters)
        .increment();
    if (warned.add(attributes + " " + from)) {
      log.warn(
          "source {} sends the deprecated AttemptFailed attributes {}.*; they are still read, but"
              + " a later release drops them: publish the field AttemptFailed.{} instead (see"
              + " schemas/README.md). Logged once per source.",
          LogText.escape(from),
          attributes,
          field);
    }
  }
}
