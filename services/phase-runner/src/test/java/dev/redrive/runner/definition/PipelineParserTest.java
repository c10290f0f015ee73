package dev.redrive.runner.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineParserTest {

  private static final String FILE = "demo.yaml";

  @Nested
  class ValidDefinitions {

    @Test
    void shouldParseEveryPartOfAValidDefinition() {
      // given
      String yaml =
          """
          name: demo
          description: builds and packages
          phases:
            - name: build
              command:
                argv: [sh, -c, "make all"]
                env: {MODE: fast, LEVEL: "3"}
                working-dir: src
                timeout: 5m
              expected-outputs: [artifacts/build/app.jar, artifacts/build/report.txt]
              exit-criteria:
                - name: tests
                  argv: [make, test]
                  env: {CI: "true"}
                  working-dir: src/test
                  timeout: 2m
                - name: lint
                  argv: [make, lint]
            - name: package
              command:
                argv:
                  - tar
                  - czf
                  - artifacts/package/app.tgz
                  - artifacts/build
          """;

      // when
      Pipeline pipeline = PipelineParser.parse(FILE, yaml);

      // then
      assertThat(pipeline.name()).isEqualTo("demo");
      assertThat(pipeline.file()).isEqualTo(FILE);
      assertThat(pipeline.phaseNames()).containsExactly("build", "package");
      Phase build = pipeline.phases().get(0);
      assertThat(build.command())
          .isEqualTo(
              new CommandSpec(
                  List.of("sh", "-c", "make all"),
                  Map.of("MODE", "fast", "LEVEL", "3"),
                  "src",
                  Duration.ofMinutes(5)));
      assertThat(build.expectedOutputs())
          .containsExactly("artifacts/build/app.jar", "artifacts/build/report.txt");
      assertThat(build.exitCriteria())
          .containsExactly(
              new CheckSpec(
                  "tests",
                  new CommandSpec(
                      List.of("make", "test"),
                      Map.of("CI", "true"),
                      "src/test",
                      Duration.ofMinutes(2))),
              new CheckSpec(
                  "lint",
                  new CommandSpec(List.of("make", "lint"), Map.of(), ".", Duration.ofMinutes(30))));
      Phase pack = pipeline.phases().get(1);
      assertThat(pack.command().argv())
          .containsExactly("tar", "czf", "artifacts/package/app.tgz", "artifacts/build");
      assertThat(pack.expectedOutputs()).isEmpty();
      assertThat(pack.exitCriteria()).isEmpty();
    }

    @Test
    void shouldDefaultToTheWorkspaceAndThirtyMinutesWhenTheCommandSaysNothing() {
      // given
      String yaml =
          """
          name: minimal
          phases:
            - name: only
              command:
                argv: ["true"]
          """;

      // when
      Pipeline pipeline = PipelineParser.parse(FILE, yaml);

      // then
      assertThat(pipeline.phases().get(0).command())
          .isEqualTo(new CommandSpec(List.of("true"), Map.of(), ".", Duration.ofMinutes(30)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "5m, PT5M",
      "1h, PT1H",
      "PT1M, PT1M",
      "PT1M30S, PT1M30S",
      "pt2s, PT2S",
      "10S, PT10S",
      "' 45s ', PT45S"
    })
    void shouldReadTimeoutsInShortAndIsoForms(String text, Duration expected) {
      // given
      String yaml = withCommandLine("timeout: '" + text + "'");

      // when
      Pipeline pipeline = PipelineParser.parse(FILE, yaml);

      // then
      assertThat(pipeline.phases().get(0).command().timeout()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "src", "./src/main", "a/../b", "artifacts/build/"})
    void shouldAcceptWorkingDirectoriesInsideTheWorkspace(String dir) {
      // given
      String yaml = withCommandLine("working-dir: '" + dir + "'");

      // when
      Pipeline pipeline = PipelineParser.parse(FILE, yaml);

      // then
      assertThat(pipeline.phases().get(0).command().workingDir()).isEqualTo(dir);
    }

    @Test
    void shouldAcceptPhaseAndPipelineNamesWithDotsDashesAndUnderscores() {
      // given
      String yaml =
          """
          name: My.Pipeline_2-x
          phases:
            - name: step_1.build-all
              command:
                argv: ["true"]
          """;

      // when
      Pipeline pipeline = PipelineParser.parse(FILE, yaml);

      // then
      assertThat(pipeline.name()).isEqualTo("My.Pipeline_2-x");
      assertThat(pipeline.phaseNames()).containsExactly("step_1.build-all");
    }
  }

  @Nested
  class ValidationErrors {

    @Test
    void shouldNameFileLineAndFieldOfAnUnknownKey() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              comand:
                argv: [make]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:4: phases[0].comand: unknown key; allowed here: allowed-write-paths,"
                  + " command, exit-criteria, expected-outputs, http, inputs, loop, name,"
                  + " retry-policy");
    }

    @Test
    void shouldNameAnUnknownKeyAtTheTopLevel() {
      // given
      String yaml =
          """
          name: demo
          phase:
            - name: build
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageStartingWith("demo.yaml:2: phase: unknown key; allowed here:");
    }

    @Test
    void shouldNameAnUnknownKeyInsideACommand() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
                timout: 5m
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:6: phases[0].command.timout: unknown key; allowed here: argv, env,"
                  + " timeout, working-dir");
    }

    @Test
    void shouldNameAnUnknownKeyInsideAnExitCriterion() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              exit-criteria:
                - name: tests
                  run: [make, test]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageStartingWith("demo.yaml:8: phases[0].exit-criteria[0].run: unknown key");
    }

    @Test
    void shouldReportAMissingCommandAtThePhase() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              expected-outputs: [artifacts/build/app.jar]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:3: phases[0].command: is required (a phase needs a handler: command or"
                  + " http)");
    }

    @Test
    void shouldReportAMissingArgv() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                timeout: 5m
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:5: phases[0].command.argv: is required");
    }

    @Test
    void shouldReportAMissingArgvOfAnExitCriterion() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              exit-criteria:
                - name: tests
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:7: phases[0].exit-criteria[0].argv: is required");
    }

    @Test
    void shouldReportAnEmptyArgv() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: []
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:5: phases[0].command.argv: needs at least the program to run");
    }

    @Test
    void shouldReportAnArgvThatIsNotAList() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: make all
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:5: phases[0].command.argv: expected a list");
    }

    @Test
    void shouldReportANestedListInsideArgv() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make, [all]]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:5: phases[0].command.argv[1]: expected a single value");
    }

    @Test
    void shouldReportADuplicatePhaseNameAtTheSecondPhase() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
            - name: test
              command:
                argv: [make, test]
            - name: build
              command:
                argv: [make, again]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:9: phases[2].name: duplicate phase name 'build'");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"soon", "5 minutes", "-1s", "1.5s", "1d", "ms", "", "99999999999999999999s"})
    void shouldReportATimeoutThatIsNotADuration(String text) {
      // given
      String yaml = withCommandLine("timeout: '" + text + "'");

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:6: phases[0].command.timeout: '"
                  + text
                  + "' is not a duration (use 500ms, 30s, 5m, 1h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0ms", "0s", "PT-5S", "PT0S", "8d", "9999999999999999s"})
    void shouldReportATimeoutThatIsNotPositiveOrLongerThanAWeek(String text) {
      // given
      String yaml = withCommandLine("timeout: '" + text.replace("8d", "PT192H") + "'");

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageStartingWith("demo.yaml:6: phases[0].command.timeout: '");
    }

    @Test
    void shouldReportABadTimeoutOfAnExitCriterionWithItsLine() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              exit-criteria:
                - name: tests
                  argv: [make, test]
                  timeout: soon
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:9: phases[0].exit-criteria[0].timeout: 'soon' is not a duration (use"
                  + " 500ms, 30s, 5m, 1h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "artifacts/../../x", "..", "./../y"})
    void shouldReportAnExpectedOutputThatEscapesTheWorkspace(String path) {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              expected-outputs:
                - artifacts/build/ok.txt
                - '%s'
          """
              .formatted(path);

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:8: phases[0].expected-outputs[1]: '"
                  + path
                  + "' escapes the workspace; use a path relative to it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "/", "src/../../.."})
    void shouldReportAWorkingDirectoryThatEscapesTheWorkspace(String path) {
      // given
      String yaml = withCommandLine("working-dir: '" + path + "'");

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:6: phases[0].command.working-dir: '"
                  + path
                  + "' escapes the workspace; use a path relative to it");
    }

    @Test
    void shouldReportAnExitCriterionWorkingDirectoryThatEscapesTheWorkspace() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
              exit-criteria:
                - name: tests
                  argv: [make, test]
                  working-dir: ../other
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageStartingWith(
              "demo.yaml:9: phases[0].exit-criteria[0].working-dir: '../other' escapes the"
                  + " workspace");
    }

    @Test
    void shouldReportATopLevelThatIsNotAMapping() {
      // given
      String yaml =
          """
          - name: demo
          - name: other
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:1: (top level): expected a mapping of keys to values");
    }

    @Test
    void shouldReportAPhaseThatIsNotAMapping() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - build
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:3: phases[0]: expected a mapping of keys to values");
    }

    @Test
    void shouldReportACommandThatIsNotAMapping() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command: make all
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:4: phases[0].command: expected a mapping of keys to values");
    }

    @Test
    void shouldReportAnEnvironmentThatIsNotAMapping() {
      // given
      String yaml = withCommandLine("env: [A=1]");

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:6: phases[0].command.env: expected a mapping of keys to values");
    }

    @Test
    void shouldReportAnEnvironmentValueThatIsNotASingleValue() {
      // given
      String yaml = withCommandLine("env: {MODE: [fast, slow]}");

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:6: phases[0].command.env.MODE: expected a single value");
    }

    @Test
    void shouldReportPhasesThatAreNotAList() {
      // given
      String yaml =
          """
          name: demo
          phases:
            build:
              command:
                argv: [make]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:3: phases: expected a list");
    }

    @Test
    void shouldReportInvalidYamlWithTheFileAndTheParsersPosition() {
      // given
      String yaml =
          """
          name: demo
          phases: [
            - name: build
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageMatching("demo\\.yaml:\\d+: \\(YAML syntax\\): \\S.*")
          .hasMessageNotContaining("\n");
    }

    @Test
    void shouldReportATabIndentedFileAsInvalidYaml() {
      // given
      String yaml = "name: demo\nphases:\n\t- name: build\n";

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessageStartingWith("demo.yaml:3: (YAML syntax): ")
          .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n"})
    void shouldReportAnEmptyFile(String yaml) {
      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml: the file is empty");
    }

    @Test
    void shouldReportAPipelineWithoutPhases() {
      // given
      String yaml =
          """
          name: demo
          phases: []
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:2: phases: a pipeline needs at least one phase");
    }

    @Test
    void shouldReportAMissingPhasesKey() {
      // given
      String yaml = "name: demo\ndescription: nothing to do\n";

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:1: phases: is required");
    }

    @Test
    void shouldReportAMissingPipelineName() {
      // given
      String yaml =
          """
          phases:
            - name: build
              command:
                argv: [make]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:1: name: is required");
    }

    @Test
    void shouldReportABlankPhaseName() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: "  "
              command:
                argv: [make]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:3: phases[0].name: must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"_failed", "has space", "slash/name", "-dash-first", ".hidden"})
    void shouldReportAPhaseNameThatCannotBeAFolderName(String name) {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: '%s'
              command:
                argv: [make]
          """
              .formatted(name);

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:3: phases[0].name: '"
                  + name
                  + "' may only use letters, digits, '.', '_' and '-'");
    }

    @Test
    void shouldReportAnInvalidPipelineName() {
      // given
      String yaml =
          """
          # a comment first
          name: my pipeline
          phases:
            - name: build
              command:
                argv: [make]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage(
              "demo.yaml:2: name: 'my pipeline' may only use letters, digits, '.', '_' and '-'");
    }

    @Test
    void shouldReportAKeyThatAppearsTwice() {
      // given
      String yaml =
          """
          name: demo
          phases:
            - name: build
              command:
                argv: [make]
                argv: [make, all]
          """;

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse(FILE, yaml))
          .isInstanceOf(PipelineDefinitionException.class)
          .hasMessage("demo.yaml:6: phases[0].command.argv: the key appears twice");
    }

    @Test
    void shouldUseTheGivenFileNameInEveryMessage() {
      // given
      String yaml = "name: demo\nphases: []\n";

      // when / then
      assertThatThrownBy(() -> PipelineParser.parse("pipelines/release.yml", yaml))
          .hasMessageStartingWith("pipelines/release.yml:2: phases: ");
    }
  }

  /** A one-phase pipeline whose command has {@code extraLine} on line 6. */
  private static String withCommandLine(String extraLine) {
    return """
        name: demo
        phases:
          - name: build
            command:
              argv: [make]
              %s
        """
        .formatted(extraLine);
  }
}
