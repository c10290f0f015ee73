package dev.redrive.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the public contract: every topic schema must stay BACKWARD compatible with the released
 * copy in {@code schemas/released/} (a consumer on the new schema reads everything written with the
 * released one). A breaking change fails the build; see {@code schemas/README.md}.
 */
class SchemaCompatibilityTest {

  static Stream<Schema> topicSchemas() {
    return Stream.of(
        AttemptEvent.getClassSchema(),
        RetryRequested.getClassSchema(),
        CommandEvent.getClassSchema(),
        DecisionEvent.getClassSchema(),
        ProcessEvent.getClassSchema());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSchemas")
  void currentSchemaReadsEverythingWrittenWithTheReleasedOne(Schema current) throws IOException {
    Path releasedFile = releasedDirectory().resolve(current.getName() + ".avsc");
    assertThat(releasedFile)
        .as(
            "released copy of %s (copy the schema there when a version is released)",
            current.getName())
        .exists();
    Schema released = new Schema.Parser().parse(Files.readString(releasedFile));

    var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released).getResult();

    assertThat(result.getCompatibility())
        .as(
            "%s is not BACKWARD compatible with the released schema: %s",
            current.getName(), result.getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void theGuardCatchesABreakingChange() {
    // a new required field (no default): records written with the released schema lack it
    Schema released = RetryRequested.getClassSchema();
    List<Schema.Field> fields =
        new java.util.ArrayList<>(
            released.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList());
    fields.add(new Schema.Field("priority", Schema.create(Schema.Type.INT), "breaking", null));
    Schema breaking =
        Schema.createRecord(released.getName(), null, released.getNamespace(), false, fields);

    var result = SchemaCompatibility.checkReaderWriterCompatibility(breaking, released).getResult();

    assertThat(result.getCompatibility()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSchemas")
  void everyEnumDeclaresADefaultSoOlderReadersSurviveNewSymbols(Schema current) {
    List<Schema> enumsWithoutDefault =
        SchemaWalker.namedTypes(current).stream()
            .filter(s -> s.getType() == Schema.Type.ENUM && s.getEnumDefault() == null)
            .toList();
    assertThat(enumsWithoutDefault).isEmpty();
  }

  static Path releasedDirectory() {
    return Path.of(System.getProperty("redrive.schemas.released", "released"));
  }
}
