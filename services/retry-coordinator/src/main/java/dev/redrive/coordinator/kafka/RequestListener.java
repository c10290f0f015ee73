package dev.redrive.coordinator.kafka;

import dev.redrive.avro.RetryMode;
import dev.redrive.avro.RetryRequested;
import dev.redrive.coordinator.app.RequestRetry;
import dev.redrive.coordinator.app.RetryRequest;
import dev.redrive.support.kafka.Envelopes;
import dev.redrive.support.limits.EventLimits;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Transport only: a RetryRequested event from a person or another system becomes one call into
 * {@link RequestRetry}, the same code path as the REST endpoint. Refusals are answered with a
 * RetryRejected decision on redrive.decisions.
 */
@Component
class RequestListener {

  private final RequestRetry requestRetry;
  private final EventLimits limits;

  RequestListener(RequestRetry requestRetry, EventLimits limits) {
    this.requestRetry = requestRetry;
    this.limits = limits;
  }

  @KafkaListener(
      id = "coordinator-requests",
      topics = "#{T(dev.redrive.support.topic.RedriveTopics).REQUESTS.name()}")
  void on(RetryRequested request) {
    Envelopes.requireEnvelope(request);
    limits.check(request);
    requestRetry.request(
        new RetryRequest(
            request.getRequestId(),
            request.getExecutionId(),
            request.getMode() == RetryMode.RESUBMIT_AS_NEW,
            request.getForce(),
            request.getResetCount(),
            request.getFromPhase(),
            request.getNote(),
            request.getDryRun(),
            request.getRequestedBy(),
            null));
  }
}
