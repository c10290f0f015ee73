package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollbackPlanTest {

  private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123Z");
  private static final String STAMP = "20240506T070809.123Z";
  private static final CommandSpec TRUE =
      new CommandSpec(List.of("true"), Map.of(), ".", Duration.ofMinutes(1));

  private static Phase phase(String name, List<String> allowed, Integer maxAttempts) {
    return new Phase(
        name,
        TRUE,
        List.of(),
        List.of(),
        allowed,
        List.of(),
        maxAttempts == null
            ? null
            : new PhaseRetryPolicy(maxAttempts, null, null, null, null, null, null),
        null);
  }

  private final Pipeline pipeline =
      new Pipeline(
          "release",
          "release.yaml",
          List.of(
              phase("fetch", List.of(), null),
              phase("build", List.of("build-cache/"), null),
              phase("test", List.of(), 4),
              phase("publish", List.of(), null)));

  private static Checkpoint checkpoint(String phase, String... paths) {
    Map<String, FileFingerprint> files = new java.util.TreeMap<>();
    for (String path : paths) {
      files.put(path, new FileFingerprint(1, "sha-" + path));
    }
    return new Checkpoint("cp_" + phase, phase, "att_" + phase, NOW, files);
  }

  private final Map<String, Checkpoint> checkpoints =
      Map.of(
          Checkpoint.INPUT,
          checkpoint(Checkpoint.INPUT, "input/parameters.properties"),
          "fetch",
          checkpoint("fetch", "artifacts/fetch/src.tar"),
          "build",
          checkpoint("build", "artifacts/build/app.jar", "build-cache/x"),
          "test",
          checkpoint("test", "artifacts/test/report.xml"));

  private RollbackPlan plan(String toPhase, String note, int highest) {
    return RollbackPlan.plan(
        pipeline,
        "exec_1",
        new RollbackPlan.Ask(toPhase, note, "alice", "cmd_1"),
        checkpoints,
        new PhaseHistory(highest, false),
        NOW);
  }

  @Test
  void shouldClearThePhaseAndEveryLaterOneAndArchiveThemUnderOneStamp() {
    RollbackPlan plan = plan("build", null, 1);

    assertThat(plan.clearedPhases()).containsExactly("build", "test", "publish");
    assertThat(plan.archives())
        .containsExactly(
            new RollbackPlan.Archive(
                "build",
                "artifacts/build",
                checkpoints.get("build").files(),
                "artifacts/_rolled_back/build/" + STAMP + "/"),
            new RollbackPlan.Archive(
                "test",
                "artifacts/test",
                checkpoints.get("test").files(),
                "artifacts/_rolled_back/test/" + STAMP + "/"),
            new RollbackPlan.Archive(
                "publish",
                "artifacts/publish",
                Map.of(),
                "artifacts/_rolled_back/publish/" + STAMP + "/"));
  }

  @Test
  void shouldRestoreTheInputAndEveryEarlierPhaseThatHasACheckpoint() {
    RollbackPlan plan = plan("test", null, 0);

    assertThat(plan.input()).isEqualTo(checkpoints.get(Checkpoint.INPUT).files());
    assertThat(plan.restores())
        .extracting(RollbackPlan.Restore::phase)
        .containsExactly("fetch", "build");
    RollbackPlan.Restore build = plan.restores().get(1);
    assertThat(build.checkpointed()).isEqualTo(checkpoints.get("build").files());
    assertThat(build.scope().allows("build-cache/x")).isTrue();
    assertThat(build.extrasLocation()).isEqualTo("artifacts/_rolled_back/build/" + STAMP + "/");
  }

  @Test
  void shouldSkipEarlierPhasesWithoutACheckpointAndAMissingInputCheckpoint() {
    RollbackPlan plan =
        RollbackPlan.plan(
            pipeline,
            "exec_1",
            new RollbackPlan.Ask("publish", null, null, "cmd_1"),
            Map.of("build", checkpoint("build", "artifacts/build/app.jar")),
            PhaseHistory.NONE,
            NOW);

    assertThat(plan.input()).isNull();
    assertThat(plan.restores()).extracting(RollbackPlan.Restore::phase).containsExactly("build");
  }

  @Test
  void shouldRollBackToTheFirstPhaseWithNothingToRestore() {
    RollbackPlan plan = plan("fetch", null, 2);

    assertThat(plan.clearedPhases()).containsExactly("fetch", "build", "test", "publish");
    assertThat(plan.restores()).isEmpty();
    assertThat(plan.input()).isNotNull();
  }

  @Test
  void shouldRunThePhaseAsItsNextAttemptWithTheBoundItDeclares() {
    // "test" declares max-attempts 4: from its next attempt on when none of its attempts failed
    assertThat(plan("test", null, 1).next()).isEqualTo(new NextAttempt(2, 5));
    assertThat(plan("test", null, 1).context().maxAttempts()).isEqualTo(5);
    // the others leave the bound to the coordinator's policy
    assertThat(plan("build", null, 3).next()).isEqualTo(new NextAttempt(4, null));
    assertThat(plan("publish", null, 0).next()).isEqualTo(new NextAttempt(1, null));
  }

  @Test
  void shouldNotKnowTheBoundOfAPhaseThatFailedBefore() {
    // a resume does not reset the coordinator's count of the phase's failures
    RollbackPlan plan =
        RollbackPlan.plan(
            pipeline,
            "exec_1",
            new RollbackPlan.Ask("test", null, "alice", "cmd_1"),
            checkpoints,
            new PhaseHistory(2, true),
            NOW);

    assertThat(plan.next()).isEqualTo(new NextAttempt(3, null));
    assertThat(plan.context().maxAttempts()).isNull();
  }

  @Test
  void shouldCarryTheNoteIntoTheContextAndThePreviousError() {
    RollbackPlan plan = plan("build", "use the other mirror", 1);

    assertThat(plan.contextFile()).isEqualTo(".redrive/rollback-build-attempt-2.json");
    assertThat(plan.previousError()).isEqualTo("ROLLBACK: use the other mirror");
    ContextJson context = plan.context();
    assertThat(context.commandId()).isEqualTo("cmd_1");
    assertThat(context.executionId()).isEqualTo("exec_1");
    assertThat(context.phase()).isEqualTo("build");
    assertThat(context.currentAttempt()).isEqualTo(2);
    assertThat(context.maxAttempts()).as("build declares no max-attempts").isNull();
    assertThat(context.priorAttempts()).isEmpty();
    assertThat(context.notes()).containsExactly("use the other mirror");
    assertThat(context.guidance())
        .isEqualTo(Guidance.rollback("build", "alice", "use the other mirror"));
    assertThat(context.truncated()).isFalse();
  }

  @Test
  void shouldSayWhereItRolledBackToWithoutANote() {
    RollbackPlan plan = plan("test", null, 0);

    assertThat(plan.previousError()).isEqualTo("ROLLBACK: rolled back to test");
    assertThat(plan.context().notes()).isEmpty();
  }

  @Test
  void shouldKeepABlankNoteOutOfTheNotes() {
    RollbackPlan plan = plan("test", "  ", 0);

    assertThat(plan.context().notes()).isEmpty();
    assertThat(plan.previousError()).isEqualTo("ROLLBACK:   ");
  }

  @Test
  void shouldRefuseAPhaseThePipelineDoesNotHave() {
    assertThatThrownBy(() -> plan("deploy", null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deploy");
  }
}
