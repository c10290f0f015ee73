package dev.redrive.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.testkit.RedriveInfrastructure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad configuration stops the coordinator at start, with the key named. */
class CoordinatorStartupIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void refusesToStartWithoutAnApiTokenOutsideTheLocalProfile() {
    assertThatThrownBy(() -> start().close())
        .rootCause()
        .hasMessageContaining("redrive.coordinator.api-token (env REDRIVE_API_TOKEN) is not set");
  }

  @Test
  void refusesToStartWithAnInvalidPolicyNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.coordinator.api-token=t",
                        "--redrive.coordinator.policy.max-attempts=0")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("redrive.coordinator.policy")
                    .contains("maxAttempts"));
  }

  @Test
  void refusesToStartWithoutAttemptConsumersNamingTheKey() {
    assertThatThrownBy(
            () ->
                start(
                        "--redrive.coordinator.api-token=t",
                        "--redrive.coordinator.attempt-consumers=0")
                    .close())
        .satisfies(
            e ->
                assertThat(messages(e))
                    .contains("redrive.coordinator")
                    .contains("attemptConsumers"));
  }

  @Test
  void startsOpenWithTheLocalProfile() {
    start("--spring.profiles.active=local").close();
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
