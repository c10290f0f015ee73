package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.testkit.RedriveInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline file that is wrong stops the runner at start, naming the file (its full path), line
 * and field.
 */
class PipelineValidationAtStartIT {

  private static final RedriveInfrastructure infrastructure = RedriveInfrastructure.shared();

  @Test
  void runnerRefusesToStartWithAPipelineFileThatHasAnUnknownKey(@TempDir Path pipelines)
      throws Exception {
    Files.writeString(
        pipelines.resolve("broken.yaml"),
        """
        name: broken
        phases:
          - name: build
            comand:
              argv: [make]
        """);

    assertThatThrownBy(
            () ->
                PhaseRunnerApplication.builder()
                    .run(
                        "--spring.datasource.url=" + infrastructure.createDatabase("runner_start"),
                        "--spring.datasource.username=" + infrastructure.jdbcUser(),
                        "--spring.datasource.password=" + infrastructure.jdbcPassword(),
                        "--spring.kafka.bootstrap-servers="
                            + infrastructure.kafkaBootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url="
                            + infrastructure.schemaRegistryUrl(),
                        "--server.port=0",
                        "--redrive.security.api-token=t",
                        "--redrive.runner.pipelines=file:" + pipelines + "/",
                        "--redrive.runner.workspace-root=" + pipelines.resolve("ws"))
                    .close())
        .rootCause()
        .hasMessageContaining("broken.yaml:4: phases[0].comand: unknown key");
  }

  @Test
  void runnerRefusesToStartWithALoopBackToAPhaseThatDoesNotComeEarlier(@TempDir Path pipelines)
      throws Exception {
    Files.writeString(
        pipelines.resolve("loops.yaml"),
        """
        name: loops
        phases:
          - name: develop
            command:
              argv: [make]
          - name: review
            command:
              argv: [review]
            exit-criteria:
              - name: approved
                argv: [check]
            loop: {on-check: approved, go-to: design, max-iterations: 3}
        """);

    assertThatThrownBy(
            () ->
                PhaseRunnerApplication.builder()
                    .run(
                        "--spring.datasource.url=" + infrastructure.createDatabase("runner_start"),
                        "--spring.datasource.username=" + infrastructure.jdbcUser(),
                        "--spring.datasource.password=" + infrastructure.jdbcPassword(),
                        "--spring.kafka.bootstrap-servers="
                            + infrastructure.kafkaBootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url="
                            + infrastructure.schemaRegistryUrl(),
                        "--server.port=0",
                        "--redrive.security.api-token=t",
                        "--redrive.runner.pipelines=file:" + pipelines + "/",
                        "--redrive.runner.workspace-root=" + pipelines.resolve("ws"))
                    .close())
        .rootCause()
        .hasMessage(
            pipelines.resolve("loops.yaml")
                + ":12: phases[1].loop.go-to: no phase 'design' before 'review'; earlier"
                + " phases: [develop]");
  }
}
