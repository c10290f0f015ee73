package dev.redrive.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaStoreTest {

  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Failure\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String V2 =
      "{\"type\":\"record\",\"name\":\"Failure\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  private static final String BREAKING =
      "{\"type\":\"record\",\"name\":\"Failure\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"code\",\"type\":\"int\"}]}";

  @TempDir Path dir;

  @Test
  void shouldResolveTheSameIdsAfterARestart() {
    // given
    Path file = dir.resolve("schemas.jsonl");
    SchemaStore store = SchemaStore.open(file);
    int first = store.register("a-value", V1);
    int second = store.register("a-value", V2);
    int shared = store.register("b-value", V1);

    // when the store is opened again
    SchemaStore reopened = SchemaStore.open(file);

    // then every id, version and subject is there, and new ids continue after the old ones
    assertThat(shared).isEqualTo(first);
    assertThat(reopened.byId(first)).isEqualTo(store.byId(first));
    assertThat(reopened.byId(second)).contains("note");
    assertThat(reopened.versionNumbers("a-value")).containsExactly(1, 2);
    assertThat(reopened.version("a-value", "latest").id()).isEqualTo(second);
    assertThat(reopened.subjects()).containsExactly("a-value", "b-value");
    assertThat(reopened.register("c-value", V1.replace("Failure", "Other"))).isEqualTo(second + 1);
  }

  @Test
  void shouldGiveOneIdToTheSameSchemaWrittenDifferently() {
    SchemaStore store = SchemaStore.open(dir.resolve("schemas.jsonl"));
    int id = store.register("a-value", V1);
    assertThat(store.register("a-value", V1.replace(",", " , "))).isEqualTo(id);
    assertThat(store.versionNumbers("a-value")).containsExactly(1);
    assertThat(store.lookup("a-value", V1).version()).isEqualTo(1);
  }

  @Test
  void shouldRefuseASchemaThatBreaksBackwardCompatibility() {
    SchemaStore store = SchemaStore.open(dir.resolve("schemas.jsonl"));
    store.register("a-value", V1);
    assertThat(store.compatibleWith("a-value", "latest", BREAKING)).isFalse();
    assertThat(store.compatibleWith("a-value", "latest", V2)).isTrue();
    assertThatThrownBy(() -> store.register("a-value", BREAKING))
        .isInstanceOf(RegistryError.class)
        .satisfies(e -> assertThat(((RegistryError) e).status()).isEqualTo(409))
        .hasMessageContaining("incompatible with an earlier schema for subject 'a-value'");
  }

  @Test
  void shouldAnswerLikeConfluentForWhatIsUnknownOrInvalid() {
    SchemaStore store = SchemaStore.open(dir.resolve("schemas.jsonl"));
    assertThatThrownBy(() -> store.byId(7))
        .satisfies(e -> assertThat(((RegistryError) e).errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> store.version("nope", "latest"))
        .satisfies(e -> assertThat(((RegistryError) e).errorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> store.register("a-value", "{not avro"))
        .satisfies(e -> assertThat(((RegistryError) e).errorCode()).isEqualTo(42201));
    assertThatThrownBy(() -> store.register("x".repeat(256), V1))
        .hasMessage("subject must have 1 to 255 characters, had 256");
    assertThatThrownBy(() -> store.register("a\nb", V1))
        .hasMessage("subject must not contain control characters");
  }

  @Test
  void shouldRefuseOneSchemaMoreThanItKeepsButStillAnswerTheKnownOnes() {
    SchemaStore store = SchemaStore.open(dir.resolve("schemas.jsonl"), 2);
    store.register("a-value", V1);
    store.register("a-value", V2);
    assertThatThrownBy(() -> store.register("b-value", V1.replace("Failure", "Other")))
        .isInstanceOf(RegistryError.class)
        .hasMessage("the local registry holds at most 2 schemas; start with --fresh to clear it");
    assertThat(store.register("b-value", V1)).isEqualTo(1);
  }

  @Test
  void shouldSkipALineCutShortByACrash() throws IOException {
    // given a file whose last registration was cut off mid-write
    Path file = dir.resolve("schemas.jsonl");
    int id = SchemaStore.open(file).register("a-value", V1);
    Files.writeString(file, "{\"subject\":\"a-va", java.nio.file.StandardOpenOption.APPEND);

    // when / then
    SchemaStore reopened = SchemaStore.open(file);
    assertThat(reopened.byId(id)).contains("Failure");
    assertThat(reopened.size()).isEqualTo(1);
  }
}
