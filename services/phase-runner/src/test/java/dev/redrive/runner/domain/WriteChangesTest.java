package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteChangesTest {

  private static final FileFingerprint A = new FileFingerprint(1, "aa");
  private static final FileFingerprint B = new FileFingerprint(1, "bb");

  @Test
  void shouldFindCreatedChangedAndDeletedFiles() {
    WriteChanges changes =
        WriteChanges.between(
            Map.of("same.txt", A, "edited.txt", A, "gone.txt", A),
            Map.of("same.txt", A, "edited.txt", B, "new.txt", B));

    assertThat(changes.created()).containsExactly("new.txt");
    assertThat(changes.changed()).containsExactly("edited.txt");
    assertThat(changes.deleted()).containsExactly("gone.txt");
    assertThat(changes.all()).containsExactly("edited.txt", "gone.txt", "new.txt");
    assertThat(changes.describe())
        .isEqualTo("created new.txt; changed edited.txt; deleted gone.txt");
    assertThat(changes.isEmpty()).isFalse();
  }

  @Test
  void shouldSeeNoChangeWhenSizeAndContentAreTheSame() {
    WriteChanges changes =
        WriteChanges.between(Map.of("a", A), Map.of("a", new FileFingerprint(1, "aa")));

    assertThat(changes.isEmpty()).isTrue();
    assertThat(changes.describe()).isEmpty();
  }
}
