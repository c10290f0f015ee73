package dev.redrive.audit.config;

import dev.redrive.audit.app.LiveIndex;
import dev.redrive.audit.app.LiveTimeline;
import dev.redrive.audit.app.PurgeExpiredEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The audit's recurring work: catching up the open streams (timelines and the index), and the
 * retention purge.
 */
@Component
class AuditSchedule implements SchedulingConfigurer {

  private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

  private final AuditProperties properties;
  private final LiveTimeline live;
  private final LiveIndex liveIndex;
  private final PurgeExpiredEvents purge;

  AuditSchedule(
      AuditProperties properties,
      LiveTimeline live,
      LiveIndex liveIndex,
      PurgeExpiredEvents purge) {
    this.properties = properties;
    this.live = live;
    this.liveIndex = liveIndex;
    this.purge = purge;
  }

  @Override
  public void configureTasks(ScheduledTaskRegistrar registrar) {
    registrar.addFixedDelayTask(live::catchUp, properties.streamCatchUpInterval());
    registrar.addFixedDelayTask(liveIndex::catchUp, properties.streamCatchUpInterval());
    if (properties.toRetention().keepsForever()) {
      log.info("redrive.audit.retention is 0: every event is kept forever");
    } else {
      log.info(
          "events older than {} are deleted, checked every {}",
          properties.retention(),
          properties.retentionInterval());
      registrar.addFixedDelayTask(purge::purge, properties.retentionInterval());
    }
  }
}
