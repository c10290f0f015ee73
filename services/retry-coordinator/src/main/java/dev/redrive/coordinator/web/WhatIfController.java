package dev.redrive.coordinator.web;

import dev.redrive.coordinator.app.whatif.RunWhatIf;
import dev.redrive.coordinator.app.whatif.WhatIfLimits;
import dev.redrive.coordinator.app.whatif.WhatIfQuery;
import dev.redrive.coordinator.domain.InvalidPolicyException;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.support.limits.InputLimits;
import dev.redrive.support.web.InvalidFieldException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/policies/what-if}: what a proposed policy document would have done to the
 * recorded failures of a window, against what really happened. It changes nothing, so the read
 * token is enough (a POST only because a policy document does not fit in a URL).
 */
@RestController
class WhatIfController {

  private final RunWhatIf whatIf;
  private final InputLimits limits;
  private final Clock clock;

  WhatIfController(RunWhatIf whatIf, InputLimits limits, Clock clock) {
    this.whatIf = whatIf;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * @param from start of the window (ISO-8601 instant), required
   * @param to end of the window (excluded); empty = now
   * @param policy a policy document; empty = the policies in force (which reproduces what happened)
   */
  record WhatIfBody(
      String from, String to, String pipeline, String phase, String source, JsonNode policy) {}

  @PostMapping("/api/v1/policies/what-if")
  Map<String, Object> whatIf(@RequestBody WhatIfBody body) {
    Instant to = body.to() == null ? clock.instant() : instant("to", body.to());
    if (body.from() == null || body.from().isBlank()) {
      throw new InvalidFieldException(
          "from", "say where the window starts, as an ISO-8601 instant (2026-12-01T00:00:00Z)");
    }
    Instant from = instant("from", body.from());
    if (!from.isBefore(to)) {
      throw new InvalidFieldException("from", "must be before to (%s), was %s".formatted(to, from));
    }
    Duration length = Duration.between(from, to);
    if (length.compareTo(WhatIfLimits.MAX_WINDOW) > 0) {
      throw new InvalidFieldException(
          "to",
          "a window is at most %d days, was %s to %s (%d days): replay it in parts"
              .formatted(WhatIfLimits.MAX_WINDOW.toDays(), from, to, length.toDays() + 1));
    }
    limits.name("pipeline", body.pipeline());
    limits.name("phase", body.phase());
    limits.name("source", body.source());
    Optional<PolicySet> proposal =
        body.policy() == null || body.policy().isNull()
            ? Optional.empty()
            : Optional.of(PolicyDocumentJson.toPolicySet(body.policy(), 0));
    return WhatIfViews.answer(
        whatIf.run(
            new WhatIfQuery(
                from,
                to,
                blankToNull(body.pipeline()),
                blankToNull(body.phase()),
                blankToNull(body.source())),
            proposal));
  }

  /**
   * A proposal the policy document refuses: 400 naming the first field's path ({@code
   * policy.defaults.maxAttempts}) and listing every problem, 413 over 64 KiB; as the policy
   * endpoints answer.
   */
  @ExceptionHandler(InvalidPolicyException.class)
  ResponseEntity<ProblemDetail> invalid(InvalidPolicyException e) {
    return PolicyViews.invalid(e, "policy");
  }

  private static Instant instant(String field, String value) {
    if (value.length() > 64) {
      throw new InvalidFieldException(field, "is not an ISO-8601 instant: too long");
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidFieldException(
          field,
          "is not an ISO-8601 instant (2026-12-01T00:00:00Z), was '%s'"
              .formatted(value.replaceAll("[^\\x20-\\x7e]", "?")));
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
