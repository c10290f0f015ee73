package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.testkit.RedriveInfrastructure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/** Bad configuration stops the coordinator at start, with the key named. */
class CoordinatorStartupIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void refusesToStartWithoutAnApiTokenOutsideTheLocalProfile() {
    assertThatThrownBy(() -> start().close())
        .rootCause()
        .hasMessageContaining("redrive.security.api-token (env REDRIVE_API_TOKEN) is not set");
  }

  @Test
  void refusesToStartWithAnInvalidPolicyNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.policy.max-attempts=0")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("redrive.coordinator.policy")
                    .contains("maxAttempts"));
  }

  @Test
  void refusesToStopRepeatedFailuresOfATypeThatRepeatsByNatureNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.fingerprints.stop-types=COMMAND_FAILED,TIMEOUT")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains(
                        "redrive.coordinator.fingerprints.stop-types: types must not name TIMEOUT:"
                            + " it repeats by nature"));
  }

  @Test
  void refusesToStartWithAPipelinePhaseOrSourceOverrideNoPolicyMayHaveNamingTheKey() {
    // before, these started and dead-lettered every failure of that pipeline, phase or source
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.pipelines.billing.phases.charge.max-interval=400d")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains(
                        "redrive.coordinator.pipelines.billing.phases.charge: maxInterval must not"
                            + " exceed 365 days, was PT9600H"));
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.pipelines.billing.policy.initial-interval=-5s")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains(
                        "redrive.coordinator.pipelines.billing.policy: initialInterval must not be"
                            + " negative"));
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.sources.shop.topic=shop.failures",
                        "--redrive.coordinator.sources.shop.mapping.execution-id=id",
                        "--redrive.coordinator.sources.shop.mapping.phase=step",
                        "--redrive.coordinator.sources.shop.mapping.message=error",
                        "--redrive.coordinator.sources.shop.policy.deadline=0s")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains(
                        "redrive.coordinator.sources.shop.policy: deadline must be positive"));
  }

  @Test
  void refusesToStartWithoutAttemptConsumersNamingTheKey() {
    assertThatThrownBy(
            () ->
                start("--redrive.security.api-token=t", "--redrive.coordinator.attempt-consumers=0")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("redrive.coordinator")
                    .contains("attemptConsumers"));
  }

  @Test
  void refusesToStartWithAnEmptyAttemptsFetchNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.attempts-fetch-min-bytes=0")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("redrive.coordinator")
                    .contains("attemptsFetchMinBytes"));
  }

  @Test
  void refusesToStartWithASourceBatchOverItsBoundNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.security.api-token=t",
                        "--redrive.coordinator.sources.shop.topic=shop.failures",
                        "--redrive.coordinator.sources.shop.mapping.execution-id=id",
                        "--redrive.coordinator.sources.shop.mapping.phase=step",
                        "--redrive.coordinator.sources.shop.mapping.message=error",
                        "--redrive.coordinator.sources.shop.max-batch=5001")
                    .close())
        .satisfies(
            e -> assertThat(messages(e)).contains("sources[shop].maxBatch").contains("5000"));
  }

  @Test
  void startsOpenWithTheLocalProfileAndItsAttemptsConsumersWaitForAFullerFetch() {
    try (var context = start("--spring.profiles.active=local")) {
      assertThat(attemptsConsumerProperties(context)).containsEntry("fetch.min.bytes", "32768");
    }
  }

  @Test
  void takesTheAttemptsFetchSizeFromItsSetting() {
    try (var context =
        start(
            "--spring.profiles.active=local", "--redrive.coordinator.attempts-fetch-min-bytes=1")) {
      assertThat(attemptsConsumerProperties(context)).containsEntry("fetch.min.bytes", "1");
    }
  }

  private static java.util.Properties attemptsConsumerProperties(
      org.springframework.context.ApplicationContext context) {
    return context
        .getBean(KafkaListenerEndpointRegistry.class)
        .getListenerContainer("coordinator-attempts")
        .getContainerProperties()
        .getKafkaConsumerProperties();
  }

  private static org.springframework.context.ConfigurableApplicationContext start(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--spring.datasource.url=" + infrastructure.createDatabase("coordinator_start"),
                "--spring.datasource.username=" + infrastructure.jdbcUser(),
                "--spring.datasource.password=" + infrastructure.jdbcPassword(),
                "--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url="
                    + infrastructure.schemaRegistryUrl(),
                "--server.port=0"));
    args.addAll(List.of(extra));
    return RetryCoordinatorApplication.builder().run(args.toArray(String[]::new));
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
