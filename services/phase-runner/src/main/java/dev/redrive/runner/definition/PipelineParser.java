package dev.redrive.runner.definition;

import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.Pipeline;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a pipeline definition from YAML and validates it. Every error names the file, the line and
 * the field, for example {@code demo.yaml:12: phases[1].command.timeout: 'soon' is not a duration}.
 *
 * <pre>
 * name: demo
 * phases:
 *   - name: build
 *     command:
 *       argv: [sh, -c, "make"]
 *       env: {MODE: fast}
 *       working-dir: .
 *       timeout: 5m
 *     expected-outputs: [artifacts/build/app.jar]
 *     exit-criteria:
 *       - name: tests
 *         argv: [make, test]
 *         timeout: 2m
 * </pre>
 */
public final class PipelineParser {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration LONGEST_TIMEOUT = Duration.ofDays(7);
  private static final Set<String> PIPELINE_KEYS = Set.of("name", "description", "phases");
  private static final Set<String> PHASE_KEYS =
      Set.of("name", "command", "expected-outputs", "exit-criteria");
  private static final Set<String> COMMAND_KEYS = Set.of("argv", "env", "working-dir", "timeout");
  private static final Set<String> CHECK_KEYS =
      Set.of("name", "argv", "env", "working-dir", "timeout");

  private final String file;

  private PipelineParser(String file) {
    this.file = file;
  }

  /** Parses one definition; {@code file} is the name used in error messages. */
  public static Pipeline parse(String file, String yaml) {
    return new PipelineParser(file).pipeline(new StringReader(yaml));
  }

  private Pipeline pipeline(Reader reader) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (YAMLException e) {
      throw new PipelineDefinitionException(file + ": not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new PipelineDefinitionException(file + ": the file is empty");
    }
    Map<String, NodeTuple> fields = mapping(root, "", PIPELINE_KEYS);
    String name = requiredScalar(root, fields, "name", "");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw error(
          fields.get("name").getValueNode(),
          "name",
          "'" + name + "' may only use letters, digits, '.', '_' and '-'");
    }
    Node phasesNode = required(root, fields, "phases", "");
    List<Phase> phases = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Node> items = sequence(phasesNode, "phases");
    if (items.isEmpty()) {
      throw error(phasesNode, "phases", "a pipeline needs at least one phase");
    }
    for (int i = 0; i < items.size(); i++) {
      Phase phase = phase(items.get(i), "phases[" + i + "]");
      if (!names.add(phase.name())) {
        throw error(
            items.get(i), "phases[" + i + "].name", "duplicate phase name '" + phase.name() + "'");
      }
      phases.add(phase);
    }
    return new Pipeline(name, file, phases);
  }

  private Phase phase(Node node, String path) {
    Map<String, NodeTuple> fields = mapping(node, path, PHASE_KEYS);
    String name = requiredScalar(node, fields, "name", path);
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.startsWith("_")) {
      throw error(
          fields.get("name").getValueNode(),
          path + ".name",
          "'" + name + "' may only use letters, digits, '.', '_' and '-'");
    }
    Node commandNode = required(node, fields, "command", path);
    CommandSpec command = command(commandNode, path + ".command", COMMAND_KEYS);
    List<String> outputs = new ArrayList<>();
    if (fields.containsKey("expected-outputs")) {
      Node outputsNode = fields.get("expected-outputs").getValueNode();
      List<Node> outputNodes = sequence(outputsNode, path + ".expected-outputs");
      for (int i = 0; i < outputNodes.size(); i++) {
        String output = scalar(outputNodes.get(i), path + ".expected-outputs[" + i + "]");
        requireInsideWorkspace(outputNodes.get(i), path + ".expected-outputs[" + i + "]", output);
        if (Path.of(output).normalize().toString().isEmpty()) {
          throw error(
              outputNodes.get(i),
              path + ".expected-outputs[" + i + "]",
              "'" + output + "' names the workspace itself; name a file or folder inside it");
        }
        outputs.add(output);
      }
    }
    List<CheckSpec> checks = new ArrayList<>();
    if (fields.containsKey("exit-criteria")) {
      List<Node> checkNodes =
          sequence(fields.get("exit-criteria").getValueNode(), path + ".exit-criteria");
      for (int i = 0; i < checkNodes.size(); i++) {
        String checkPath = path + ".exit-criteria[" + i + "]";
        Map<String, NodeTuple> checkFields = mapping(checkNodes.get(i), checkPath, CHECK_KEYS);
        String checkName = requiredScalar(checkNodes.get(i), checkFields, "name", checkPath);
        checks.add(new CheckSpec(checkName, command(checkNodes.get(i), checkPath, CHECK_KEYS)));
      }
    }
    return new Phase(name, command, outputs, checks);
  }

  private CommandSpec command(Node node, String path, Set<String> allowedKeys) {
    Map<String, NodeTuple> fields = mapping(node, path, allowedKeys);
    Node argvNode = required(node, fields, "argv", path);
    List<String> argv = new ArrayList<>();
    List<Node> argvItems = sequence(argvNode, path + ".argv");
    if (argvItems.isEmpty()) {
      throw error(argvNode, path + ".argv", "needs at least the program to run");
    }
    for (int i = 0; i < argvItems.size(); i++) {
      argv.add(scalar(argvItems.get(i), path + ".argv[" + i + "]"));
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (fields.containsKey("env")) {
      Node envNode = fields.get("env").getValueNode();
      for (NodeTuple tuple : mapping(envNode, path + ".env", null).values()) {
        String key = scalar(tuple.getKeyNode(), path + ".env");
        env.put(key, scalar(tuple.getValueNode(), path + ".env." + key));
      }
    }
    String workingDir = ".";
    if (fields.containsKey("working-dir")) {
      Node dirNode = fields.get("working-dir").getValueNode();
      workingDir = scalar(dirNode, path + ".working-dir");
      requireInsideWorkspace(dirNode, path + ".working-dir", workingDir);
    }
    Duration timeout = DEFAULT_TIMEOUT;
    if (fields.containsKey("timeout")) {
      Node timeoutNode = fields.get("timeout").getValueNode();
      timeout = duration(timeoutNode, path + ".timeout", scalar(timeoutNode, path + ".timeout"));
    }
    return new CommandSpec(argv, env, workingDir, timeout);
  }

  private Duration duration(Node node, String path, String text) {
    Duration duration = parseDuration(node, path, text);
    if (duration.isNegative() || duration.isZero() || duration.compareTo(LONGEST_TIMEOUT) > 0) {
      throw error(node, path, "'" + text + "' must be more than zero and at most 7 days");
    }
    return duration;
  }

  private Duration parseDuration(Node node, String path, String text) {
    String value = text.trim().toLowerCase();
    try {
      if (value.matches("\\d+ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.matches("\\d+[smh]")) {
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
          case 's' -> Duration.ofSeconds(amount);
          case 'm' -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      return Duration.parse(text.trim());
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw error(node, path, "'" + text + "' is not a duration (use 500ms, 30s, 5m, 1h)");
    }
  }

  private void requireInsideWorkspace(Node node, String path, String value) {
    Path normalized;
    try {
      normalized = Path.of(value).normalize();
    } catch (InvalidPathException e) {
      throw error(node, path, "'" + value + "' is not a valid path: " + e.getReason());
    }
    if (normalized.isAbsolute() || normalized.startsWith("..")) {
      throw error(node, path, "'" + value + "' escapes the workspace; use a path relative to it");
    }
  }

  private Map<String, NodeTuple> mapping(Node node, String path, Set<String> allowedKeys) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(
          node, path.isEmpty() ? "(top level)" : path, "expected a mapping of keys to values");
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = scalar(tuple.getKeyNode(), path);
      if (allowedKeys != null && !allowedKeys.contains(key)) {
        throw error(
            tuple.getKeyNode(),
            join(path, key),
            "unknown key; allowed here: "
                + String.join(", ", allowedKeys.stream().sorted().toList()));
      }
      if (fields.put(key, tuple) != null) {
        throw error(tuple.getKeyNode(), join(path, key), "the key appears twice");
      }
    }
    return fields;
  }

  private List<Node> sequence(Node node, String path) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, path, "expected a list");
    }
    return sequence.getValue();
  }

  private String scalar(Node node, String path) {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, path, "expected a single value");
    }
    return scalar.getValue();
  }

  private Node required(Node parent, Map<String, NodeTuple> fields, String key, String path) {
    NodeTuple tuple = fields.get(key);
    if (tuple == null) {
      throw error(parent, join(path, key), "is required");
    }
    return tuple.getValueNode();
  }

  private String requiredScalar(
      Node parent, Map<String, NodeTuple> fields, String key, String path) {
    String value = scalar(required(parent, fields, key, path), join(path, key));
    if (value.isBlank()) {
      throw error(fields.get(key).getValueNode(), join(path, key), "must not be empty");
    }
    return value;
  }

  private PipelineDefinitionException error(Node node, String field, String problem) {
    int line = node.getStartMark().getLine() + 1;
    return new PipelineDefinitionException("%s:%d: %s: %s".formatted(file, line, field, problem));
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
