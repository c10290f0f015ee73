package dev.redrive.runner.config;

import dev.redrive.runner.app.ExecutionService;
import dev.redrive.runner.app.PhaseExecutor;
import dev.redrive.runner.app.RunnerEvents;
import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.persistence.RunnerStore;
import dev.redrive.support.outbox.ProcessedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the runner's use cases from its settings. */
@Configuration
@EnableConfigurationProperties(RunnerProperties.class)
class RunnerConfiguration {

  /**
   * Loaded and validated at start: a bad pipeline file stops the runner with file, line and field.
   */
  @Bean
  PipelineCatalog pipelineCatalog(ResourcePatternResolver resolver, RunnerProperties properties) {
    return PipelineCatalog.load(resolver, properties.pipelines());
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService phaseWorkers(RunnerProperties properties) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        properties.workers(), task -> new Thread(task, "phase-worker-" + count.incrementAndGet()));
  }

  @Bean
  ExecutionService executionService(
      PipelineCatalog catalog,
      RunnerStore store,
      RunnerEvents events,
      ProcessedEvents processed,
      TransactionTemplate transaction,
      ExecutorService phaseWorkers,
      RunnerProperties properties,
      Clock clock,
      MeterRegistry meters) {
    return new ExecutionService(
        catalog,
        new PhaseExecutor(properties.outputLimitBytes()),
        store,
        events,
        processed,
        transaction,
        phaseWorkers,
        properties.workspaceRoot(),
        properties.firstAttemptMaxAttempts(),
        clock,
        meters);
  }

  /** After a restart: report phases that were running as INTERRUPTED, run queued ones. */
  @EventListener(ApplicationReadyEvent.class)
  void recover(ApplicationReadyEvent event) {
    event.getApplicationContext().getBean(ExecutionService.class).recover();
  }
}
