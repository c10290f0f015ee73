package dev.redrive.runner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxTest {

  private static final Sandbox BWRAP = Sandbox.bubblewrap(Path.of("/usr/bin/bwrap"));
  private static final Sandbox.Probe FAILED = new Sandbox.Probe(Sandbox.none(), "no bwrap here");
  private static final Sandbox.Probe WORKS = new Sandbox.Probe(BWRAP, null);

  @Test
  void shouldRefuseToStartWhenASandboxIsRequiredAndNoneWorksNamingTheSetting() {
    assertThatThrownBy(() -> Sandbox.choose(Sandbox.Mode.REQUIRED, FAILED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redrive.runner.sandbox=required")
        .hasMessageContaining("no bwrap here")
        .hasMessageContaining("redrive.runner.sandbox=auto");
  }

  @Test
  void shouldUseTheSandboxThatWorksUnlessItIsOff() {
    assertThat(Sandbox.choose(Sandbox.Mode.REQUIRED, WORKS).active()).isTrue();
    assertThat(Sandbox.choose(Sandbox.Mode.AUTO, WORKS).active()).isTrue();
    assertThat(Sandbox.choose(Sandbox.Mode.OFF, WORKS).active()).isFalse();
  }

  @Test
  void shouldRunUnconfinedWhenAutoFindsNoSandbox() {
    Sandbox chosen = Sandbox.choose(Sandbox.Mode.AUTO, FAILED);

    assertThat(chosen.active()).isFalse();
    assertThat(chosen.kind()).isEqualTo("none");
  }

  @Test
  void shouldLeaveTheCommandAsItIsWithoutASandbox() {
    List<String> argv =
        Sandbox.none().wrap(List.of("sh", "-c", "true"), Path.of("/w/e1"), Path.of("/w/e1"));

    assertThat(argv).containsExactly("sh", "-c", "true");
    assertThat(Sandbox.none().environmentOverrides()).isEmpty();
  }

  @Test
  void shouldBindOnlyTheWorkspaceWritableInItsOwnPidNamespaceWithoutCapabilities() {
    List<String> argv =
        BWRAP.wrap(List.of("sh", "-c", "true"), Path.of("/w/e1"), Path.of("/w/e1/sub"));

    assertThat(argv.get(0)).isEqualTo("/usr/bin/bwrap");
    assertThat(argv)
        .contains("--die-with-parent", "--unshare-pid", "--new-session")
        .doesNotContain("--unshare-net", "--share-net");
    assertThat(Collections.indexOfSubList(argv, List.of("--cap-drop", "ALL"))).isPositive();
    assertThat(Collections.indexOfSubList(argv, List.of("--proc", "/proc"))).isPositive();
    assertThat(Collections.indexOfSubList(argv, List.of("--tmpfs", "/tmp"))).isPositive();
    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/usr", "/usr"))).isPositive();
    // writable: the workspace and nothing else
    assertThat(argv.stream().filter("--bind"::equals)).hasSize(1);
    int bind = Collections.indexOfSubList(argv, List.of("--bind", "/w/e1", "/w/e1"));
    int hideRoot = Collections.indexOfSubList(argv, List.of("--tmpfs", "/w"));
    int rootReadOnly = Collections.indexOfSubList(argv, List.of("--remount-ro", "/w"));
    assertThat(hideRoot).isPositive().isLessThan(bind);
    assertThat(rootReadOnly).isGreaterThan(bind);
    assertThat(Collections.indexOfSubList(argv, List.of("--remount-ro", "/"))).isPositive();
    assertThat(argv.subList(argv.indexOf("--") - 2, argv.size()))
        .containsExactly("--chdir", "/w/e1/sub", "--", "sh", "-c", "true");
    assertThat(BWRAP.environmentOverrides()).containsEntry("HOME", "/tmp");
  }

  @Test
  void shouldHideTheSecretsOfEtc() {
    List<String> argv = BWRAP.wrap(List.of("true"), Path.of("/w/e1"), Path.of("/w/e1"));

    if (java.nio.file.Files.exists(Path.of("/etc/shadow"))) {
      assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/dev/null", "/etc/shadow")))
          .isPositive();
    }
    assertThat(argv).doesNotContain("--setenv");
  }

  @Test
  void shouldSayWhyThereIsNoSandboxWhenTheProgramIsMissing() {
    Sandbox.Probe probe = Sandbox.probe("/nonexistent/bwrap");

    assertThat(probe.sandbox().active()).isFalse();
    assertThat(probe.problem()).contains("/nonexistent/bwrap", "bubblewrap");
  }

  @Test
  void shouldFindAWorkingSandboxOnThisMachine() {
    // CI installs bubblewrap (.ci/run); the phase-runner's tests need it
    Sandbox.Probe probe = Sandbox.probe("bwrap");

    assertThat(probe.problem()).isNull();
    assertThat(probe.sandbox().active()).isTrue();
  }
}
