package dev.redrive.coordinator.app.whatif;

import dev.redrive.coordinator.app.FingerprintSettings;
import dev.redrive.coordinator.app.Policies;
import dev.redrive.coordinator.domain.PolicySet;
import dev.redrive.coordinator.domain.RepeatedFailureRule;
import dev.redrive.coordinator.domain.whatif.WhatIf;
import dev.redrive.coordinator.domain.whatif.WhatIfReport;
import dev.redrive.support.log.LogText;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What a proposed set of policies would have done to a window's recorded failures, against what the
 * policies in force really did ({@link WhatIf}). Reads the window, changes nothing.
 */
@Service
public class RunWhatIf {

  private static final Logger log = LoggerFactory.getLogger(RunWhatIf.class);

  private final WhatIfHistory history;
  private final Policies policies;
  private final WhatIfLimits limits;
  private final RepeatedFailureRule repeated;
  private final MeterRegistry meters;
  private final Timer duration;

  public RunWhatIf(
      WhatIfHistory history,
      Policies policies,
      WhatIfLimits limits,
      FingerprintSettings fingerprints,
      MeterRegistry meters) {
    this.history = history;
    this.policies = policies;
    this.limits = limits;
    this.repeated = fingerprints.repeated();
    this.meters = meters;
    this.duration =
        Timer.builder("redrive.whatif.duration")
            .description("How long a what-if took to read its window and replay it")
            .register(meters);
  }

  /**
   * Replays the query's window.
   *
   * @param proposal the policies to try (the policies in force keep their per-execution overrides
   *     over it); empty = the policies in force, which should reproduce what happened
   */
  public WhatIfAnswer run(WhatIfQuery query, Optional<PolicySet> proposal) {
    long start = System.nanoTime();
    PolicySet current = policies.current();
    PolicySet replayed =
        proposal
            .map(p -> new PolicySet(p.version(), p.catalog(), p.budget(), current.byExecution()))
            .orElse(current);
    WhatIfHistory.Window window = history.read(query, limits.maxAttempts());
    WhatIfReport report =
        WhatIf.replay(window.events(), replayed, repeated, query.phase(), WhatIfLimits.MAX_ROWS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    duration.record(took);
    meters
        .counter("redrive.whatif.runs", "policy", proposal.isPresent() ? "proposed" : "current")
        .increment();
    log.info(
        "what-if over {} .. {}{}{}{}: {} attempts read{}, {} failures replayed under {};"
            + " retries {} -> {}, interventions {} -> {}; {} ms",
        query.from(),
        query.to(),
        filter("pipeline", query.pipeline()),
        filter("phase", query.phase()),
        filter("source", query.source()),
        window.attemptsRead(),
        window.cut() ? " (cut at " + window.readUntil() + ")" : "",
        report.failures(),
        proposal.isPresent() ? "a proposal" : "the policies in force",
        report.actual().retries(),
        report.proposed().retries(),
        report.actual().interventionsTotal(),
        report.proposed().interventionsTotal(),
        took.toMillis());
    return new WhatIfAnswer(
        query,
        proposal.isPresent(),
        current.version(),
        window.cut(),
        window.readUntil(),
        window.attemptsRead(),
        report,
        took);
  }

  private static String filter(String name, String value) {
    return value == null ? "" : " " + name + " " + LogText.escape(value);
  }
}
