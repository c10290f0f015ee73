package dev.redrive.runner.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.LoopSpec;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.PhaseRetryPolicy;
import dev.redrive.runner.domain.Pipeline;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Http handlers, outputs, allowed paths, inputs, retry policies and loops in pipeline files. */
class PipelineParserFeaturesTest {

  private static final String FILE = "demo.yaml";

  private static Pipeline parse(String yaml) {
    return PipelineParser.parse(FILE, yaml);
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(PipelineDefinitionException.class)
        .hasMessage(message);
  }

  @Nested
  class HttpHandler {

    @Test
    void shouldReadAWebhookWithItsMethodHeadersBodyAndTimeout() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: notify
              inputs: [who]
              http:
                url: https://hooks.example.com/redrive
                method: put
                headers: {X-Team: build}
                body: '{"who": "${input.who}", "context": ${context}}'
                timeout: 10s
          """;

      // when
      Phase notify = parse(yaml).phases().get(0);

      // then
      assertThat(notify.handler())
          .isEqualTo(
              new HttpSpec(
                  URI.create("https://hooks.example.com/redrive"),
                  "PUT",
                  Map.of("X-Team", "build"),
                  "{\"who\": \"${input.who}\", \"context\": ${context}}",
                  Duration.ofSeconds(10)));
      assertThat(notify.command()).isNull();
      assertThat(notify.inputs()).containsExactly("who");
    }

    @Test
    void shouldDefaultToPostWithoutBodyAndThirtySeconds() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: notify
              http:
                url: http://localhost:9000/hook
          """;

      // when
      HttpSpec http = (HttpSpec) parse(yaml).phases().get(0).handler();

      // then
      assertThat(http.method()).isEqualTo("POST");
      assertThat(http.body()).isNull();
      assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldRefuseAPhaseWithBothHandlers() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              command:
                argv: ["true"]
              http:
                url: http://localhost/hook
          """,
          "demo.yaml:6: phases[0].http: a phase has one handler, and this one already has a"
              + " command");
    }

    @Test
    void shouldRefuseAUrlThatIsNotAbsoluteHttp() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              http:
                url: ftp://example.com/file
          """,
          "demo.yaml:5: phases[0].http.url: 'ftp://example.com/file' must be an absolute http or"
              + " https URL");
    }

    @Test
    void shouldRefuseAnUnsupportedMethod() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              http:
                url: http://localhost/hook
                method: TRACE
          """,
          "demo.yaml:6: phases[0].http.method: 'TRACE' is not supported; use one of [GET, POST,"
              + " PUT, PATCH, DELETE]");
    }

    @Test
    void shouldRefuseABodyPlaceholderForAnUndeclaredInput() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              inputs: [who]
              http:
                url: http://localhost/hook
                body: '{"secret": "${input.password}"}'
          """,
          "demo.yaml:7: phases[0].http.body: unknown placeholder ${input.password}; use"
              + " [${execution.id}, ${pipeline}, ${phase}, ${attempt}, ${maxAttempts}, ${context}]"
              + " or ${input.<name>} for a declared input (declared: [who])");
    }

    @Test
    void shouldRefuseABodyOnAGetRequest() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              http:
                url: http://localhost/hook
                method: GET
                body: '{}'
          """,
          "demo.yaml:7: phases[0].http.body: a GET request carries no body");
    }

    @Test
    void shouldRefuseAHeaderTheRunnerSets() {
      assertError(
          """
          name: demo
          phases:
            - name: notify
              http:
                url: http://localhost/hook
                headers: {Host: evil.example.com}
          """,
          "demo.yaml:6: phases[0].http.headers.Host: is set by the runner and cannot be given");
    }
  }

  @Nested
  class OutputsAndWritePaths {

    @Test
    void shouldReadPlainAndGlobOutputsWithMinimumSizes() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              expected-outputs:
                - artifacts/build/app.jar
                - path: "artifacts/build/reports/**/*.xml"
                  min-size: 2KiB
                - path: artifacts/build/notes.txt
                  min-size: 10
          """;

      // when
      Phase build = parse(yaml).phases().get(0);

      // then
      assertThat(build.outputs())
          .containsExactly(
              new OutputSpec("artifacts/build/app.jar", 0),
              new OutputSpec("artifacts/build/reports/**/*.xml", 2048),
              new OutputSpec("artifacts/build/notes.txt", 10));
      assertThat(build.outputs().get(1).isGlob()).isTrue();
    }

    @Test
    void shouldRefuseASizeItCannotRead() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              expected-outputs:
                - path: out.txt
                  min-size: large
          """,
          "demo.yaml:8: phases[0].expected-outputs[0].min-size: 'large' is not a size (use 100,"
              + " 10KiB, 5MiB)");
    }

    @Test
    void shouldRefuseAGlobThatClimbsOutOfTheWorkspace() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              expected-outputs: ["artifacts/*/../../../etc/*"]
          """,
          "demo.yaml:6: phases[0].expected-outputs[0]: 'artifacts/*/../../../etc/*' escapes the"
              + " workspace; use a path relative to it");
    }

    @Test
    void shouldReadAllowedWritePathsBesidesTheArtifactsFolder() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              allowed-write-paths: [build-cache/, "logs/*.log"]
          """;

      // when
      Phase build = parse(yaml).phases().get(0);

      // then
      assertThat(build.allowedWritePaths()).containsExactly("build-cache/", "logs/*.log");
      assertThat(build.writePaths().allowed())
          .containsExactly("artifacts/build", "build-cache", "logs/*.log");
    }

    @Test
    void shouldRefuseAnAllowedPathTheRunnerKeeps() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              allowed-write-paths: [artifacts/_failed/build]
          """,
          "demo.yaml:6: phases[0].allowed-write-paths[0]: 'artifacts/_failed/build' is kept by the"
              + " runner; a phase may not write it");
    }

    @Test
    void shouldRefuseAnAllowedPathOutsideTheWorkspace() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              allowed-write-paths: [/tmp]
          """,
          "demo.yaml:6: phases[0].allowed-write-paths[0]: '/tmp' escapes the workspace; use a path"
              + " relative to it");
    }
  }

  @Nested
  class Inputs {

    @Test
    void shouldRefuseAnInputNameThatIsNoVariableName() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              inputs: [target-env]
              command:
                argv: [make]
          """,
          "demo.yaml:4: phases[0].inputs[0]: 'target-env' must start with a letter and use only"
              + " letters, digits and '_'");
    }

    @Test
    void shouldRefuseInputsThatShareAVariable() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              inputs: [target, TARGET]
              command:
                argv: [make]
          """,
          "demo.yaml:4: phases[0].inputs[1]: 'TARGET' is declared twice (names differing only in"
              + " case share REDRIVE_INPUT_TARGET)");
    }
  }

  @Nested
  class RetryPolicies {

    @Test
    void shouldReadEverySettingOfAPhasesRetryPolicy() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              retry-policy:
                max-attempts: 4
                initial-interval: 500ms
                multiplier: 1.5
                max-interval: 2m
                jitter: none
                non-retryable: [TIMEOUT, infrastructure]
                deadline: 2h
          """;

      // when
      PhaseRetryPolicy policy = parse(yaml).phases().get(0).retryPolicy();

      // then
      assertThat(policy)
          .isEqualTo(
              new PhaseRetryPolicy(
                  4,
                  Duration.ofMillis(500),
                  1.5,
                  Duration.ofMinutes(2),
                  "NONE",
                  Set.of(FailureType.TIMEOUT, FailureType.INFRASTRUCTURE),
                  Duration.ofHours(2)));
    }

    @Test
    void shouldLeaveUnsetSettingsToTheCoordinator() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              retry-policy: {max-attempts: 1}
          """;

      // when
      PhaseRetryPolicy policy = parse(yaml).phases().get(0).retryPolicy();

      // then
      assertThat(policy).isEqualTo(new PhaseRetryPolicy(1, null, null, null, null, Set.of(), null));
    }

    @Test
    void shouldRefuseMaxAttemptsOfZero() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              retry-policy:
                max-attempts: 0
          """,
          "demo.yaml:7: phases[0].retry-policy.max-attempts: '0' must be a whole number from 1 to"
              + " 100");
    }

    @Test
    void shouldRefuseAFailureTypeThatDoesNotExist() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              retry-policy:
                non-retryable: [FLAKY]
          """,
          "demo.yaml:7: phases[0].retry-policy.non-retryable[0]: 'FLAKY' is not a failure type;"
              + " use one of [MISSING_OUTPUT, EXIT_CRITERIA_NOT_MET, UNAUTHORIZED_WRITE,"
              + " COMMAND_FAILED, TIMEOUT, INTERRUPTED, INFRASTRUCTURE, OTHER]");
    }

    @Test
    void shouldRefuseAMultiplierBelowOne() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              retry-policy:
                multiplier: 0.5
          """,
          "demo.yaml:7: phases[0].retry-policy.multiplier: '0.5' must be a number from 1.0 to"
              + " 100.0");
    }

    @Test
    void shouldRefuseAnUnknownPolicyKey() {
      assertThatThrownBy(
              () ->
                  parse(
                      """
                      name: demo
                      phases:
                        - name: build
                          command:
                            argv: [make]
                          retry-policy:
                            attempts: 3
                      """))
          .hasMessageStartingWith(
              "demo.yaml:7: phases[0].retry-policy.attempts: unknown key; allowed here:");
    }
  }

  @Nested
  class Loops {

    private static final String PHASES =
        """
        name: demo
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
        """;

    @Test
    void shouldReadALoopBackToAnEarlierPhase() {
      // given
      String yaml =
          PHASES
              + """
                  loop:
                    on-check: approved
                    go-to: develop
                    max-iterations: 3
              """;

      // when
      LoopSpec loop = parse(yaml).phases().get(1).loop();

      // then
      assertThat(loop).isEqualTo(new LoopSpec("approved", "develop", 3));
    }

    @Test
    void shouldRefuseALoopToAPhaseThatDoesNotExist() {
      assertError(
          PHASES
              + """
                  loop: {on-check: approved, go-to: design, max-iterations: 3}
              """,
          "demo.yaml:12: phases[1].loop.go-to: no phase 'design' before 'review'; earlier phases:"
              + " [develop]");
    }

    @Test
    void shouldRefuseALoopToALaterPhase() {
      assertError(
          """
          name: demo
          phases:
            - name: develop
              command:
                argv: [make]
              exit-criteria:
                - name: approved
                  argv: [check]
              loop: {on-check: approved, go-to: review, max-iterations: 3}
            - name: review
              command:
                argv: [review]
          """,
          "demo.yaml:9: phases[0].loop.go-to: no phase 'review' before 'develop'; earlier phases:"
              + " []");
    }

    @Test
    void shouldRefuseALoopToItself() {
      assertThatThrownBy(
              () ->
                  parse(
                      PHASES
                          + """
                              loop: {on-check: approved, go-to: review, max-iterations: 3}
                          """))
          .hasMessageStartingWith(
              "demo.yaml:12: phases[1].loop.go-to: a loop goes back to an earlier phase, not to"
                  + " 'review' itself");
    }

    @Test
    void shouldRefuseALoopOnACheckThePhaseDoesNotHave() {
      assertError(
          PHASES
              + """
                  loop: {on-check: tests, go-to: develop, max-iterations: 3}
              """,
          "demo.yaml:12: phases[1].loop.on-check: 'tests' is not one of this phase's exit"
              + " criteria [approved]");
    }

    @Test
    void shouldRefuseALoopWithoutIterations() {
      assertError(
          PHASES
              + """
                  loop: {on-check: approved, go-to: develop, max-iterations: 0}
              """,
          "demo.yaml:12: phases[1].loop.max-iterations: '0' must be a whole number from 1 to 100");
    }

    @Test
    void shouldRefuseTwoChecksWithOneName() {
      assertError(
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              exit-criteria:
                - name: tests
                  argv: [a]
                - name: tests
                  argv: [b]
          """,
          "demo.yaml:9: phases[0].exit-criteria[1].name: duplicate check name 'tests'");
    }
  }

  @Test
  void shouldLoadTheShippedExamplePipelines() {
    // the review example: a loop, a retry policy override, glob outputs with minimum size
    Pipeline review =
        PipelineCatalog.load(
                new org.springframework.core.io.support.PathMatchingResourcePatternResolver(),
                "classpath:pipelines/")
            .find("review")
            .orElseThrow();

    assertThat(review.phaseNames()).containsExactly("outline", "write", "review", "publish");
    assertThat(review.phase("review").orElseThrow().loop())
        .isEqualTo(new LoopSpec("has-summary", "write", 2));
    assertThat(review.phase("write").orElseThrow().retryPolicy().maxAttempts()).isEqualTo(3);
    assertThat(review.phase("outline").orElseThrow().outputs())
        .containsExactly(new OutputSpec("artifacts/outline/outline.md", 10));
    assertThat(List.of(review.file())).containsExactly("review.yaml");
  }

  @Test
  void shouldReadTheCompleteExampleOfTheReadme() {
    // the example in README.md, section Phase-runner, with every key
    String yaml =
        """
        name: release
        description: optional text
        phases:
          - name: build
            inputs: [target]                      # parameters the phase reads: $REDRIVE_INPUT_TARGET
            command:                              # handler 1: a process (only the definition decides what runs)
              argv: [sh, -c, "make build"]        # input values never become shell code: they come as env
              env: {MODE: release}
              working-dir: .                      # relative to the workspace
              timeout: 5m                         # the process group is killed after it
            expected-outputs:
              - artifacts/build/app.jar           # a path that must exist
              - path: "artifacts/build/reports/*.xml"   # a glob: at least one match, every match >= min-size
                min-size: 1KiB
            allowed-write-paths: [build-cache/]   # besides artifacts/build/ (always allowed)
            exit-criteria:                        # checks that must exit 0 after the handler succeeded
              - name: tests
                argv: [make, test]
                timeout: 10m
            retry-policy:                         # this phase's override of the coordinator's policy
              {max-attempts: 3, initial-interval: 10s, multiplier: 2.0, max-interval: 5m, jitter: FULL,
               non-retryable: [TIMEOUT], deadline: 1h}
          - name: review
            http:                                 # handler 2: a webhook
              url: https://review.example.com/hooks/redrive
              method: POST                        # GET, POST, PUT, PATCH, DELETE
              headers: {X-Team: build}
              body: '{"target": "${input.target}", "attempt": ${attempt}, "context": ${context}}'
              timeout: 30s
            inputs: [target]
            exit-criteria:
              - name: approved
                argv: [grep, -q, approved, artifacts/review/http-response.body]
            loop: {on-check: approved, go-to: build, max-iterations: 3}   # bounded review loop
        """;

    Pipeline pipeline = parse(yaml);

    assertThat(pipeline.phaseNames()).containsExactly("build", "review");
    Phase build = pipeline.phases().get(0);
    assertThat(build.retryPolicy().maxAttempts()).isEqualTo(3);
    assertThat(build.retryPolicy().deadline()).isEqualTo(Duration.ofHours(1));
    assertThat(build.outputs().get(1))
        .isEqualTo(new OutputSpec("artifacts/build/reports/*.xml", 1024));
    assertThat(build.writePaths().allowed()).containsExactly("artifacts/build", "build-cache");
    Phase review = pipeline.phases().get(1);
    assertThat(review.handler()).isInstanceOf(HttpSpec.class);
    assertThat(review.loop()).isEqualTo(new LoopSpec("approved", "build", 3));
  }
}
