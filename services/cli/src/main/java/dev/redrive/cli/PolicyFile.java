package dev.redrive.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A policy document in a file, JSON or YAML (the same members): either the document itself or what
 * {@code redrive policy show -o json} printed ({@code {"version": N, "policy": {...}}}).
 */
final class PolicyFile {

  /** Largest file read: the coordinator takes at most 64 KiB of JSON. */
  static final long MAX_BYTES = 256 * 1024;

  /**
   * @param document the policy document
   * @param version the version the file was shown at, or null when it does not say
   */
  record Read(JsonNode document, Long version) {}

  private PolicyFile() {}

  static Read read(Path file) {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        throw new UsageException("--file " + file + ": no such file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new UsageException(
            "--file %s: %d bytes, at most %d; a policy document is small (the coordinator takes"
                    .formatted(file, Files.size(file), MAX_BYTES)
                + " 64 KiB of JSON)");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
    JsonNode node = parse(file, text);
    if (!node.isObject()) {
      throw new UsageException("--file " + file + ": not a policy document (an object)");
    }
    if (node.path("policy").isObject() && !node.has("defaults")) {
      JsonNode version = node.path("version");
      return new Read(node.path("policy"), version.isNumber() ? version.asLong() : null);
    }
    return new Read(node, null);
  }

  private static JsonNode parse(Path file, String text) {
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        return Json.MAPPER.readTree(trimmed);
      } catch (JacksonException e) {
        throw new UsageException(
            "--file %s is not valid JSON: %s".formatted(file, e.getOriginalMessage()));
      }
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    options.setAllowDuplicateKeys(false);
    try {
      Object yaml = new Yaml(new SafeConstructor(options)).load(text);
      return Json.MAPPER.valueToTree(yaml);
    } catch (YAMLException e) {
      throw new UsageException(
          "--file %s is neither JSON nor valid YAML: %s"
              .formatted(file, Text.oneLine(e.getMessage(), 200)));
    }
  }
}
