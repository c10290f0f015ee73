package dev.redrive.audit.web;

import java.time.Duration;

/**
 * What the web adapter needs of the audit's settings ({@code redrive.audit.*}), handed over by the
 * configuration so that controllers do not read the settings themselves.
 *
 * @param defaultPageSize events per page when a request has no {@code limit}
 * @param maxPageSize the largest {@code limit} a request may ask for
 * @param streamTimeout how long one event stream stays open
 * @param streamRetryAfter how long a client refused a stream is told to wait
 */
public record WebSettings(
    int defaultPageSize, int maxPageSize, Duration streamTimeout, Duration streamRetryAfter) {}
