package dev.redrive.runner.config;

import dev.redrive.runner.app.AttemptWorker;
import dev.redrive.runner.app.ExecutionStore;
import dev.redrive.runner.app.ExecutionViews;
import dev.redrive.runner.app.RecoverAttempts;
import dev.redrive.runner.app.RunAttempt;
import dev.redrive.runner.app.RunningAttempts;
import dev.redrive.runner.app.WorkerSettings;
import dev.redrive.runner.definition.PipelineCatalog;
import dev.redrive.runner.definition.PipelineReloader;
import dev.redrive.runner.kafka.OutboxRunnerEvents;
import dev.redrive.runner.phase.PhaseExecutor;
import dev.redrive.runner.process.Sandbox;
import dev.redrive.runner.workspace.StateFile;
import dev.redrive.runner.workspace.WorkspaceFiles;
import dev.redrive.support.outbox.Outbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.support.ResourcePatternResolver;
import tools.jackson.databind.json.JsonMapper;

/** Wires the runner's use cases from its settings. */
@Configuration
@EnableConfigurationProperties(RunnerProperties.class)
class RunnerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RunnerConfiguration.class);

  /**
   * Loaded and validated at start: a bad pipeline file stops the runner with file, line and field;
   * unless the files are read again every {@code pipelines-reload-interval}, then a bad file is
   * logged and left out.
   */
  @Bean
  PipelineCatalog pipelineCatalog(ResourcePatternResolver resolver, RunnerProperties properties) {
    if (properties.pipelinesReloadInterval().isNegative()) {
      throw new IllegalArgumentException(
          "redrive.runner.pipelines-reload-interval must not be negative: "
              + properties.pipelinesReloadInterval());
    }
    return properties.pipelinesReloadInterval().isZero()
        ? PipelineCatalog.load(resolver, properties.pipelines())
        : PipelineCatalog.watching(resolver, properties.pipelines());
  }

  @Bean(destroyMethod = "close")
  PipelineReloader pipelineReloader(
      PipelineCatalog catalog, RunnerProperties properties, MeterRegistry meters) {
    Gauge.builder("redrive.runner.pipeline.files.invalid", catalog, c -> c.problems().size())
        .description("pipeline files that cannot be used now (each logged at ERROR)")
        .register(meters);
    return new PipelineReloader(catalog, properties.pipelinesReloadInterval());
  }

  /** Shut down by {@link AttemptWorker#close()}, which lets running phases finish first. */
  @Bean(destroyMethod = "")
  ExecutorService phaseWorkers(RunnerProperties properties) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        properties.workers(), task -> new Thread(task, "phase-worker-" + count.incrementAndGet()));
  }

  @Bean
  OutboxRunnerEvents runnerEvents(Outbox outbox, Clock clock, RunnerProperties properties) {
    return new OutboxRunnerEvents(
        outbox, clock, properties.source(), properties.eventExcerptChars());
  }

  /**
   * The workspace root, without the staging folders that a crashed start left an hour or more ago.
   */
  @Bean
  WorkspaceFiles workspaces(RunnerProperties properties, Clock clock) {
    WorkspaceFiles files = new WorkspaceFiles(properties.workspaceRoot());
    int removed = files.removeAbandonedStaging(Duration.ofHours(1), clock.instant());
    if (removed > 0) {
      log.info(
          "removed {} staging folder(s) that crashed starts left in the workspace root", removed);
    }
    return files;
  }

  @Bean
  StateFile stateFile(ExecutionViews views, JsonMapper json) {
    return new StateFile(views, json);
  }

  @Bean
  WorkerSettings workerSettings(RunnerProperties properties) {
    return new WorkerSettings(
        instanceId(properties), properties.shutdownGrace(), properties.stopPollInterval());
  }

  @Bean
  PhaseExecutor phaseExecutor(RunnerProperties properties, Sandbox sandbox) {
    return new PhaseExecutor(
        properties.outputLimitBytes(),
        inherited(properties.inheritedEnvironment()),
        sandbox,
        properties.httpResponseMaxBytes());
  }

  /** Closed last: lets running phases finish (up to the shutdown grace) before the runner stops. */
  @Bean
  AttemptWorker attemptWorker(
      RunAttempt runAttempt,
      RunningAttempts running,
      ExecutionStore store,
      ExecutorService phaseWorkers,
      WorkerSettings settings) {
    return new AttemptWorker(runAttempt, running, store, phaseWorkers, settings);
  }

  /**
   * The phase sandbox, probed once at start: said in the log (INFO when phases are contained, WARN
   * when not) and in the gauge {@code redrive.runner.sandbox}; refuses to start when {@code
   * redrive.runner.sandbox=required} and no sandbox works.
   */
  @Bean
  Sandbox phaseSandbox(RunnerProperties properties, MeterRegistry meters) {
    Sandbox.Mode mode = properties.sandbox();
    String setting = Sandbox.SETTING + "=" + mode.name().toLowerCase(Locale.ROOT);
    Sandbox sandbox;
    if (mode == Sandbox.Mode.OFF) {
      sandbox = Sandbox.none();
      log.warn(
          "Phase sandbox off ({}): phases run unconfined, with the runner's user, files and"
              + " processes in view",
          setting);
    } else {
      Sandbox.Probe probe = Sandbox.probe(properties.sandboxProgram());
      sandbox = Sandbox.choose(mode, probe);
      if (sandbox.active()) {
        log.info(
            "Phase sandbox: bubblewrap ({}): each phase sees only its own workspace (writable),"
                + " a read-only system, a private /tmp and its own processes; network kept",
            setting);
      } else {
        log.warn(
            "No phase sandbox: {}. Phases run UNCONFINED, with the runner's user, files and"
                + " processes in view ({}; set required to refuse to start without a sandbox)",
            probe.problem(),
            setting);
      }
    }
    Gauge.builder("redrive.runner.sandbox", () -> sandbox.active() ? 1 : 0)
        .description("1 when phases run in a sandbox, 0 when unconfined")
        .tag("mode", sandbox.kind())
        .tag("setting", mode.name().toLowerCase(Locale.ROOT))
        .register(meters);
    return sandbox;
  }

  private static Map<String, String> inherited(List<String> names) {
    Map<String, String> inherited = new LinkedHashMap<>();
    for (String name : names) {
      String value = System.getenv(name);
      if (value != null) {
        inherited.put(name, value);
      }
    }
    return inherited;
  }

  private static String instanceId(RunnerProperties properties) {
    if (!properties.instanceId().isBlank()) {
      return properties.instanceId();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "cannot tell this host's name; set redrive.runner.instance-id", e);
    }
  }

  /** After a restart: report phases that were running as INTERRUPTED, run queued ones. */
  @EventListener(ApplicationReadyEvent.class)
  void recover(ApplicationReadyEvent event) {
    event.getApplicationContext().getBean(RecoverAttempts.class).recover();
  }
}
