package dev.redrive.bench;

import dev.redrive.coordinator.RetryCoordinatorApplication;
import dev.redrive.coordinator.scale.StatePlans;
import dev.redrive.support.outbox.OutboxRelay;
import dev.redrive.testkit.RedriveInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The retry-coordinator as it ships, in a Spring context of its own on a database of its own, with
 * the benchmark's settings: zero back-off without jitter (so every failure is due at once) and a
 * retry budget that never refuses. Its listeners do not start with the context: {@link
 * #startListeners()} starts them, so a measurement does not include Spring's start-up.
 */
final class CoordinatorUnderBench implements AutoCloseable {

  /**
   * The attempts listener's id. It is also its consumer group (Spring Kafka's {@code idIsGroup}
   * default; Redrive's groups are fixed names), and its consumer thread is named after it.
   */
  static final String ATTEMPTS_LISTENER = "coordinator-attempts";

  private final RedriveInfrastructure infrastructure;
  private final String databaseUrl;
  private final ConfigurableApplicationContext context;

  /**
   * @param fixedClockAt null for the system clock; otherwise the coordinator's clock stands still
   *     at this instant (the scheduling measurement uses it so that every due time it computes
   *     lands in the same second)
   */
  CoordinatorUnderBench(
      RedriveInfrastructure infrastructure,
      String databaseUrl,
      int partitions,
      Map<String, String> settings,
      Instant fixedClockAt) {
    this.infrastructure = infrastructure;
    this.databaseUrl = databaseUrl;
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + databaseUrl);
    args.add("--spring.datasource.username=" + infrastructure.jdbcUser());
    args.add("--spring.datasource.password=" + infrastructure.jdbcPassword());
    args.add("--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers());
    args.add("--spring.kafka.properties.schema.registry.url=" + infrastructure.schemaRegistryUrl());
    args.add("--spring.kafka.listener.auto-startup=false");
    args.add("--spring.main.banner-mode=off");
    args.add("--server.port=0");
    args.add("--spring.profiles.active=local");
    args.add("--redrive.kafka.partitions=" + partitions);
    // the benchmark's policy unless --coordinator sets it otherwise (a key given twice on the
    // command line would be read as both values, comma-joined)
    Map<String, String> merged = new LinkedHashMap<>();
    merged.put("redrive.coordinator.policy.initial-interval", "0s");
    merged.put("redrive.coordinator.policy.jitter", "NONE");
    merged.put("redrive.coordinator.budget.min-retries", "100000000");
    merged.putAll(settings);
    merged.forEach((key, value) -> args.add("--" + key + "=" + value));
    SpringApplicationBuilder builder = RetryCoordinatorApplication.builder();
    if (fixedClockAt != null) {
      builder.sources(FixedClock.class);
      args.add("--bench.clock.fixed-at=" + fixedClockAt);
    }
    this.context = builder.run(args.toArray(String[]::new));
  }

  /** Starts every listener of the coordinator (attempts, process events, requests). */
  void startListeners() {
    listeners().forEach(MessageListenerContainer::start);
  }

  /**
   * Lets the listeners consume: starts them the first time, resumes them after {@link #pause()}
   * (their consumers keep their partitions, so no rebalance falls into a measurement).
   */
  void consume() {
    for (MessageListenerContainer listener : listeners()) {
      if (listener.isRunning()) {
        listener.resume();
      } else {
        listener.start();
      }
    }
  }

  /**
   * Pauses every listener and waits until their consumers have stopped fetching (a consumer without
   * partitions fetches nothing: Spring Kafka never reports it paused).
   */
  void pause() throws InterruptedException {
    listeners().forEach(MessageListenerContainer::pause);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!listeners().stream().allMatch(CoordinatorUnderBench::paused)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the coordinator's listeners did not pause in 30 s");
      }
      Thread.sleep(20);
    }
  }

  private static boolean paused(MessageListenerContainer listener) {
    if (listener instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
      return concurrent.getContainers().stream().allMatch(CoordinatorUnderBench::paused);
    }
    Collection<?> partitions = listener.getAssignedPartitions();
    return listener.isContainerPaused() || partitions == null || partitions.isEmpty();
  }

  private Collection<MessageListenerContainer> listeners() {
    return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers();
  }

  /** Whether the attempts listener has been given its partitions. */
  boolean attemptsAssigned() {
    MessageListenerContainer container =
        context
            .getBean(KafkaListenerEndpointRegistry.class)
            .getListenerContainer(ATTEMPTS_LISTENER);
    return container != null
        && container.getAssignedPartitions() != null
        && !container.getAssignedPartitions().isEmpty();
  }

  /** The attempts partitions this coordinator's listener holds. */
  List<Integer> attemptsPartitions() {
    MessageListenerContainer container =
        context
            .getBean(KafkaListenerEndpointRegistry.class)
            .getListenerContainer(ATTEMPTS_LISTENER);
    return container == null || container.getAssignedPartitions() == null
        ? List.of()
        : container.getAssignedPartitions().stream().map(p -> p.partition()).sorted().toList();
  }

  /** The outbox shards this coordinator's relay publishes now. */
  List<Integer> publishingShards() {
    return context.getBean(OutboxRelay.class).publishingShards();
  }

  /** Messages this coordinator's relay published to {@code topic} so far. */
  double published(String topic) {
    Counter counter =
        context
            .getBean(MeterRegistry.class)
            .find("redrive.outbox.published")
            .tag("topic", topic)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  /** A connection to the coordinator's database, schema {@code coordinator} first. */
  Connection connect() throws SQLException {
    Connection connection =
        DriverManager.getConnection(
            databaseUrl, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
    try (var statement = connection.createStatement()) {
      statement.execute("SET search_path = coordinator");
    }
    return connection;
  }

  /** A connection for {@link StatePlans} (the simple query protocol). */
  Connection connectForPlans() throws SQLException {
    return StatePlans.connect(
        databaseUrl, infrastructure.jdbcUser(), infrastructure.jdbcPassword());
  }

  @Override
  public void close() {
    context.close();
  }

  /**
   * Replaces the coordinator's clock (its auto-configured one is conditional on a missing bean).
   */
  @Configuration(proxyBeanMethods = false)
  static class FixedClock {
    @Bean
    Clock benchClock(@Value("${bench.clock.fixed-at}") String fixedAt) {
      return Clock.fixed(Instant.parse(fixedAt), ZoneOffset.UTC);
    }
  }
}
