package dev.redrive.coordinator.app.whatif;

import dev.redrive.coordinator.domain.whatif.WhatIfReport;
import java.time.Duration;
import java.time.Instant;

/**
 * A what-if's answer: the report, and how much of the window it covers.
 *
 * @param proposed whether a proposal was replayed (else the policies in force)
 * @param policiesVersion the version of the policies in force that the replay started from
 * @param cut the window held more attempts than {@link WhatIfLimits#maxAttempts()}: only those up
 *     to {@code readUntil} were replayed
 * @param took how long reading and replaying took
 */
public record WhatIfAnswer(
    WhatIfQuery query,
    boolean proposed,
    long policiesVersion,
    boolean cut,
    Instant readUntil,
    long attemptsRead,
    WhatIfReport report,
    Duration took) {}
