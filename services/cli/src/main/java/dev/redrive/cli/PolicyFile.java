package dev.redrive.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A policy document from a file, in JSON ({@code .json}) or YAML (anything else), as the JSON the
 * coordinator takes. Its fields are checked by the coordinator, which names each problem.
 */
final class PolicyFile {

  /** The coordinator takes documents of at most 64 KiB of JSON; YAML is a little longer. */
  static final long MAX_BYTES = 256 * 1024;

  private PolicyFile() {}

  static JsonNode read(String option, Path file) {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        throw new UsageException("%s %s: no such file".formatted(option, file));
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new UsageException(
            "%s %s: %d bytes, a policy document has at most %d"
                .formatted(option, file, size, MAX_BYTES));
      }
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading %s %s: %s".formatted(option, file, e), e);
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    try {
      JsonNode document = json ? Json.parse(text) : Json.MAPPER.valueToTree(yaml().load(text));
      if (document == null || !document.isObject()) {
        throw new UsageException(
            "%s %s: a policy document is an object with defaults and budget"
                .formatted(option, file));
      }
      return document;
    } catch (JacksonException | YAMLException e) {
      throw new UsageException(
          "%s %s is not valid %s: %s"
              .formatted(option, file, json ? "JSON" : "YAML", Text.oneLine(e.getMessage(), 200)));
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit((int) MAX_BYTES);
    return new Yaml(new SafeConstructor(options));
  }
}
