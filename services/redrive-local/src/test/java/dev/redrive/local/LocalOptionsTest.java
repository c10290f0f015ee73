package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {

  private static final Path HOME = Path.of("/home/someone");

  @Test
  void shouldKeepTheDataUnderTheHomeFolderByDefault() {
    // when
    LocalOptions options = LocalOptions.parse(List.of(), HOME);

    // then
    assertThat(options.data()).isEqualTo(Path.of("/home/someone/.redrive/local"));
    assertThat(options.fresh()).isFalse();
    assertThat(options.pipelines()).isNull();
    assertThat(options.demo()).isTrue();
  }

  @Test
  void shouldReadEveryOptionInBothSpellings() {
    // when
    LocalOptions options =
        LocalOptions.parse(
            List.of("--data", "/srv/redrive", "--fresh", "--pipelines=/srv/p", "--no-demo"), HOME);

    // then
    assertThat(options.data()).isEqualTo(Path.of("/srv/redrive"));
    assertThat(options.fresh()).isTrue();
    assertThat(options.pipelines()).isEqualTo(Path.of("/srv/p"));
    assertThat(options.demo()).isFalse();
  }

  @Test
  void shouldNameAnUnknownArgument() {
    assertThatThrownBy(() -> LocalOptions.parse(List.of("--data-dir", "x"), HOME))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown argument '--data-dir'; see --help for the options");
  }

  @Test
  void shouldAskForTheFolderOfDataWhenItIsMissing() {
    assertThatThrownBy(() -> LocalOptions.parse(List.of("--data"), HOME))
        .hasMessage("--data needs a folder: --data DIR");
    assertThatThrownBy(() -> LocalOptions.parse(List.of("--data", "--fresh"), HOME))
        .hasMessage("--data needs a folder: --data DIR");
  }

  @Test
  void shouldRefuseAFolderNameOverTheLimit() {
    assertThatThrownBy(() -> LocalOptions.parse(List.of("--pipelines=" + "x".repeat(4097)), HOME))
        .hasMessage("--pipelines needs a folder name of 1 to 4096 characters");
  }
}
