package dev.redrive.audit.config;

import dev.redrive.audit.app.StreamLimits;
import dev.redrive.audit.web.WebSettings;
import dev.redrive.support.log.LogText;
import dev.redrive.support.retention.Retention;
import dev.redrive.support.topic.RedriveTopics;
import dev.redrive.support.topic.Topic;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the audit service ({@code redrive.audit.*}).
 *
 * @param retention how long an event is kept, counted from when it occurred (e.g. {@code 30d});
 *     {@code 0} keeps every event forever
 * @param retentionInterval how often events older than the retention are looked for
 * @param retentionBatchSize events deleted per statement when purging
 * @param streamTimeout how long one event stream stays open; a client such as a browser's
 *     EventSource then reconnects with {@code Last-Event-ID} and misses nothing
 * @param streamCatchUpInterval how often open streams are checked against the database (events
 *     other audit instances stored) and sent a heartbeat (which closes the streams of clients that
 *     went away)
 * @param defaultPageSize events per page of the timeline and of a search when the request has no
 *     {@code limit}
 * @param maxPageSize the largest {@code limit} a request may ask for
 * @param maxTimelineEvents the most events of one execution read at once by its HTML page, its
 *     error report and the start of its event stream (the REST timeline pages through any number)
 * @param streamMaxClients event streams open at once in this instance; one more is answered 503
 * @param streamMaxClientsPerAddress event streams open at once from one client address; one more is
 *     answered 429
 * @param streamIdleTimeout a stream that has sent no event for this long is closed (heartbeats do
 *     not count); a client that still wants it reconnects with {@code Last-Event-ID}
 * @param commandTopics further topics of Redrive events to record besides Redrive's own: the
 *     command topics of the coordinator's failure sources ({@code
 *     redrive.coordinator.sources.<name>.command-topic}), so that the trail of another system's
 *     execution has its retry commands
 * @param runnerUrl the phase-runner's base URL (e.g. {@code http://runner:8091}), which the
 *     execution page asks to compare two failed attempts' files; blank = not asked (the page then
 *     compares what the events say)
 * @param runnerToken the phase-runner's read token ({@code redrive.security.read-token} there),
 *     sent only to {@code runnerUrl}; blank when the runner's reads are open
 * @param runnerTimeout how long the page waits for the phase-runner (to connect, and for the whole
 *     answer)
 */
@Validated
@ConfigurationProperties("redrive.audit")
public record AuditProperties(
    @DefaultValue("0") @NotNull Duration retention,
    @DefaultValue("1h") @NotNull Duration retentionInterval,
    @DefaultValue("1000") @Min(1) int retentionBatchSize,
    @DefaultValue("30m") @NotNull Duration streamTimeout,
    @DefaultValue("5s") @NotNull Duration streamCatchUpInterval,
    @DefaultValue("500") @Min(1) int defaultPageSize,
    @DefaultValue("5000") @Min(1) int maxPageSize,
    @DefaultValue("10000") @Min(1) int maxTimelineEvents,
    @DefaultValue("200") @Min(1) int streamMaxClients,
    @DefaultValue("10") @Min(1) int streamMaxClientsPerAddress,
    @DefaultValue("10m") @NotNull Duration streamIdleTimeout,
    @DefaultValue List<String> commandTopics,
    @DefaultValue("") String runnerUrl,
    @DefaultValue("") String runnerToken,
    @DefaultValue("3s") @NotNull Duration runnerTimeout) {

  public AuditProperties {
    requireNotNegative("redrive.audit.retention", retention);
    requirePositive("redrive.audit.retention-interval", retentionInterval);
    requirePositive("redrive.audit.stream-timeout", streamTimeout);
    requirePositive("redrive.audit.stream-catch-up-interval", streamCatchUpInterval);
    requirePositive("redrive.audit.stream-idle-timeout", streamIdleTimeout);
    requirePositive("redrive.audit.runner-timeout", runnerTimeout);
    runnerUrl = runnerUrl == null ? "" : runnerUrl.strip();
    if (!runnerUrl.isEmpty() && !RUNNER_URL.matcher(runnerUrl).matches()) {
      throw new IllegalArgumentException(
          "redrive.audit.runner-url must be an http(s) URL such as http://runner:8091, or blank,"
              + " was '%s'".formatted(LogText.escape(runnerUrl)));
    }
    commandTopics = List.copyOf(commandTopics);
    for (int i = 0; i < commandTopics.size(); i++) {
      String topic = commandTopics.get(i);
      if (!TOPIC_NAME.matcher(topic).matches()) {
        throw new IllegalArgumentException(
            "redrive.audit.command-topics[%d] must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9,"
                    .formatted(i)
                + " '.', '_', '-'), was '%s'".formatted(LogText.escape(topic)));
      }
    }
    if (defaultPageSize > maxPageSize) {
      throw new IllegalArgumentException(
          "redrive.audit.default-page-size (%d) cannot be larger than redrive.audit.max-page-size (%d)"
              .formatted(defaultPageSize, maxPageSize));
    }
  }

  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Pattern RUNNER_URL =
      Pattern.compile("https?://[A-Za-z0-9.\\[\\]:_-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?");

  /** The phase-runner's base URL, or null when none is set. */
  public URI runnerUri() {
    return runnerUrl.isEmpty() ? null : URI.create(runnerUrl);
  }

  /** Every topic the audit records: Redrive's own, then the further command topics. */
  public AuditedTopics auditedTopics() {
    List<String> names = new ArrayList<>(RedriveTopics.ALL.stream().map(Topic::name).toList());
    commandTopics.stream().filter(topic -> !names.contains(topic)).forEach(names::add);
    return new AuditedTopics(names.toArray(String[]::new));
  }

  /** The limits of the live streams, for {@link dev.redrive.audit.app.LiveTimeline}. */
  public StreamLimits streamLimits() {
    return new StreamLimits(
        streamMaxClients, streamMaxClientsPerAddress, streamIdleTimeout, maxTimelineEvents);
  }

  /**
   * What the web adapter needs: page sizes, how long a stream stays open, and how long a refused
   * client waits (until the next catch-up, when streams may have closed).
   */
  public WebSettings webSettings() {
    return new WebSettings(defaultPageSize, maxPageSize, streamTimeout, streamCatchUpInterval);
  }

  public Retention toRetention() {
    return new Retention(retention);
  }

  private static void requireNotNegative(String key, Duration value) {
    if (value != null && value.isNegative()) {
      throw new IllegalArgumentException(
          key + " must be 0 (keep forever) or a positive duration such as 30d, was " + value);
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
    }
  }
}
