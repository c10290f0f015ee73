package dev.redrive.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each address and the token come from: flag, then environment, then file, then default. */
class SettingsTest {

  @TempDir Path home;

  @Test
  void shouldUseTheDefaultsWhenNothingIsSet() {
    Settings settings = Settings.resolve(Map.of(), null, null, Map.of(), home);

    assertThat(settings.url(Service.RUNNER)).isEqualTo(URI.create("http://localhost:8091"));
    assertThat(settings.url(Service.COORDINATOR)).isEqualTo(URI.create("http://localhost:8092"));
    assertThat(settings.url(Service.AUDIT)).isEqualTo(URI.create("http://localhost:8093"));
    assertThat(settings.tokens()).isEmpty();
    assertThat(settings.configFile()).isNull();
  }

  @Test
  void shouldPreferFlagOverEnvironmentOverFileOverDefault() throws IOException {
    // given the config file in its default place sets all three addresses and the token
    Path file = home.resolve(".config/redrive/config.properties");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        """
        runner-url=http://file-runner:1
        coordinator-url=http://file-coordinator:2
        audit-url=http://file-audit:3
        token=file-token
        """);
    // and the environment sets two of them, and the flags one
    Map<String, String> environment =
        Map.of(
            "REDRIVE_COORDINATOR_URL", "http://env-coordinator:2",
            "REDRIVE_AUDIT_URL", "http://env-audit:3",
            "REDRIVE_API_TOKEN", "env-token");
    Map<Service, String> flags = Map.of(Service.AUDIT, "http://flag-audit:3/");

    Settings settings = Settings.resolve(flags, null, null, environment, home);

    assertThat(settings.url(Service.AUDIT)).isEqualTo(URI.create("http://flag-audit:3"));
    assertThat(settings.url(Service.COORDINATOR)).isEqualTo(URI.create("http://env-coordinator:2"));
    assertThat(settings.url(Service.RUNNER)).isEqualTo(URI.create("http://file-runner:1"));
    assertThat(settings.token(Service.AUDIT)).isEqualTo("env-token");
    assertThat(settings.configFile()).isEqualTo(file);
    assertThat(Settings.resolve(flags, "flag-token", null, environment, home).token(Service.AUDIT))
        .isEqualTo("flag-token");
    assertThat(Settings.resolve(flags, null, null, Map.of(), home).token(Service.AUDIT))
        .isEqualTo("file-token");
  }

  @Test
  void shouldReadTheConfigFileNamedByTheFlagInsteadOfTheDefaultOne() throws IOException {
    Path defaultFile = home.resolve(".config/redrive/config.properties");
    Files.createDirectories(defaultFile.getParent());
    Files.writeString(defaultFile, "coordinator-url=http://default-file:2\n");
    Path other =
        Files.writeString(home.resolve("prod.properties"), "coordinator-url=https://prod\n");

    Settings settings = Settings.resolve(Map.of(), null, other, Map.of(), home);

    assertThat(settings.url(Service.COORDINATOR)).isEqualTo(URI.create("https://prod"));
  }

  @Test
  void shouldIgnoreBlankValues() {
    Settings settings =
        Settings.resolve(
            Map.of(), null, null, Map.of("REDRIVE_RUNNER_URL", " ", "REDRIVE_API_TOKEN", ""), home);

    assertThat(settings.url(Service.RUNNER)).isEqualTo(URI.create("http://localhost:8091"));
    assertThat(settings.token(Service.RUNNER)).isNull();
  }

  @Test
  void shouldGiveEachServiceItsOwnTokenBeforeTheSharedOne() throws IOException {
    // given the file names a shared token and the audit's own
    Path file =
        Files.writeString(
            home.resolve("tokens.properties"), "token=file-shared\naudit-token=file-audit\n");
    // and the environment names a shared token and the runner's own
    Map<String, String> environment =
        Map.of("REDRIVE_API_TOKEN", "env-shared", "REDRIVE_RUNNER_TOKEN", "env-runner");

    Settings settings = Settings.resolve(Map.of(), null, file, environment, home);

    assertThat(settings.token(Service.RUNNER)).isEqualTo("env-runner");
    assertThat(settings.token(Service.COORDINATOR)).isEqualTo("env-shared");
    assertThat(settings.token(Service.AUDIT)).isEqualTo("env-shared");
    Settings fromFileOnly = Settings.resolve(Map.of(), null, file, Map.of(), home);
    assertThat(fromFileOnly.token(Service.AUDIT)).isEqualTo("file-audit");
    assertThat(fromFileOnly.token(Service.RUNNER)).isEqualTo("file-shared");
    assertThat(Settings.resolve(Map.of(), "flag", file, environment, home).tokens())
        .containsOnly(
            Map.entry(Service.RUNNER, "flag"),
            Map.entry(Service.COORDINATOR, "flag"),
            Map.entry(Service.AUDIT, "flag"));
  }

  @Test
  void shouldRefuseAConfigFileThatDoesNotExist() {
    Path missing = home.resolve("missing.properties");

    assertThatThrownBy(() -> Settings.resolve(Map.of(), null, missing, Map.of(), home))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("Config file not found")
        .hasMessageContaining("missing.properties");
  }

  @Test
  void shouldNameWhereABadAddressCameFrom() {
    assertThatThrownBy(
            () ->
                Settings.resolve(
                    Map.of(), null, null, Map.of("REDRIVE_AUDIT_URL", "ftp://audit"), home))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'ftp://audit' (from REDRIVE_AUDIT_URL)");
  }

  @Test
  void shouldExitWithUsageErrorForAMissingConfigFileOnTheCommandLine() {
    Cli.Result result =
        new Cli(home).run("status", "exec_1", "--config", home.resolve("nope").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Config file not found");
  }

  @Test
  void shouldSendTheTokenFromTheConfigFileToTheServer() throws IOException {
    try (FakeService coordinator = new FakeService()) {
      coordinator.json(
          "GET /api/v1/executions/exec_1",
          200,
          "{\"executionId\":\"exec_1\",\"status\":\"RUNNING\"}");
      Path file =
          Files.writeString(
              home.resolve("redrive.properties"),
              "coordinator-url=" + coordinator.url() + "\ntoken=s3cret\n");

      Cli.Result result = new Cli(home).run("status", "exec_1", "--config", file.toString());

      assertThat(result.exitCode()).isZero();
      assertThat(coordinator.onlyRequest("GET", "/api/v1/executions/exec_1").headers())
          .containsEntry("authorization", "Bearer s3cret");
    }
  }

  @Test
  void shouldSendEachServiceOnlyItsOwnToken() throws IOException {
    try (FakeService runner = new FakeService();
        FakeService coordinator = new FakeService()) {
      runner.json("POST /api/v1/executions", 201, Contract.STARTED);
      coordinator.json(
          "GET /api/v1/executions/exec_1",
          200,
          "{\"executionId\":\"exec_1\",\"status\":\"RUNNING\"}");
      Path file =
          Files.writeString(
              home.resolve("two.properties"),
              "runner-url=%s\ncoordinator-url=%s\nrunner-token=r-secret\ncoordinator-token=c-secret\n"
                  .formatted(runner.url(), coordinator.url()));

      Cli.Result start = new Cli(home).run("start", "demo", "--config", file.toString());
      Cli.Result status = new Cli(home).run("status", "exec_1", "--config", file.toString());

      assertThat(start.exitCode()).isZero();
      assertThat(status.exitCode()).isZero();
      assertThat(runner.onlyRequest("POST", "/api/v1/executions").headers())
          .containsEntry("authorization", "Bearer r-secret");
      assertThat(coordinator.onlyRequest("GET", "/api/v1/executions/exec_1").headers())
          .containsEntry("authorization", "Bearer c-secret");
    }
  }

  @Test
  void shouldFollowNoRedirectSoTheTokenNeverReachesAnotherHost() throws IOException {
    try (FakeService elsewhere = new FakeService();
        FakeService coordinator = new FakeService()) {
      // given the coordinator's address answers with a redirect to another server
      elsewhere.json(
          "GET /api/v1/executions/exec_1",
          200,
          "{\"executionId\":\"exec_1\",\"status\":\"RUNNING\"}");
      coordinator.redirect(
          "GET /api/v1/executions/exec_1", 307, elsewhere.url() + "/api/v1/executions/exec_1");

      Cli.Result result =
          new Cli(home)
              .run("status", "exec_1", "--coordinator-url", coordinator.url(), "--token", "s3cret");

      // then the CLI stops at the redirect, says why, and the other server never sees the token
      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err())
          .contains("answered 307 to " + elsewhere.url())
          .contains("follows no redirect")
          .contains("--coordinator-url");
      assertThat(elsewhere.requests()).isEmpty();
    }
  }
}
