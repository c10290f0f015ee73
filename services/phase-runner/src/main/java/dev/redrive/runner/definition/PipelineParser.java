package dev.redrive.runner.definition;

import dev.redrive.runner.domain.BodyTemplate;
import dev.redrive.runner.domain.CheckSpec;
import dev.redrive.runner.domain.CommandSpec;
import dev.redrive.runner.domain.FailureType;
import dev.redrive.runner.domain.Glob;
import dev.redrive.runner.domain.Handler;
import dev.redrive.runner.domain.HttpSpec;
import dev.redrive.runner.domain.LoopSpec;
import dev.redrive.runner.domain.OutputSpec;
import dev.redrive.runner.domain.Phase;
import dev.redrive.runner.domain.PhaseRetryPolicy;
import dev.redrive.runner.domain.Pipeline;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
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
 *     inputs: [target]                  # parameters it reads: $REDRIVE_INPUT_TARGET
 *     expected-outputs:
 *       - artifacts/build/app.jar
 *       - path: "artifacts/build/reports/*.xml"
 *         min-size: 1KiB
 *     allowed-write-paths: [build-cache/]   # besides artifacts/build/
 *     exit-criteria:
 *       - name: tests
 *         argv: [make, test]
 *         timeout: 2m
 *     retry-policy: {max-attempts: 3, initial-interval: 10s, deadline: 1h}
 *   - name: review
 *     http:
 *       url: https://review.example.com/hooks/redrive
 *       method: POST
 *       headers: {X-Team: build}
 *       body: '{"target": "${input.target}", "context": ${context}}'
 *       timeout: 30s
 *     inputs: [target]
 *     exit-criteria:
 *       - name: approved
 *         argv: [grep, -q, approved, artifacts/review/http-response.body]
 *     loop: {on-check: approved, go-to: build, max-iterations: 3}
 * </pre>
 */
public final class PipelineParser {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LONGEST_TIMEOUT = Duration.ofDays(7);
  private static final Duration LONGEST_INTERVAL = Duration.ofDays(365);
  private static final Set<String> PIPELINE_KEYS = Set.of("name", "description", "phases");
  private static final Set<String> PHASE_KEYS =
      Set.of(
          "name",
          "command",
          "http",
          "inputs",
          "expected-outputs",
          "exit-criteria",
          "allowed-write-paths",
          "retry-policy",
          "loop");
  private static final Set<String> COMMAND_KEYS = Set.of("argv", "env", "working-dir", "timeout");
  private static final Set<String> CHECK_KEYS =
      Set.of("name", "argv", "env", "working-dir", "timeout");
  private static final Set<String> HTTP_KEYS =
      Set.of("url", "method", "headers", "body", "timeout");
  private static final Set<String> OUTPUT_KEYS = Set.of("path", "min-size");
  private static final Set<String> POLICY_KEYS =
      Set.of(
          "max-attempts",
          "initial-interval",
          "multiplier",
          "max-interval",
          "jitter",
          "non-retryable",
          "deadline");
  private static final Set<String> LOOP_KEYS = Set.of("on-check", "go-to", "max-iterations");
  private static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,15})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);
  private static final List<String> RUNNER_AREAS =
      List.of(".redrive", "artifacts/_failed", "artifacts/_untrusted", "artifacts/_rolled_back");

  private final String file;
  private final String path;

  /** The {@code loop.go-to} value of each phase that has a loop, for errors found later. */
  private final Map<String, Node> loopTargets = new HashMap<>();

  private PipelineParser(String file, String path) {
    this.file = file;
    this.path = path;
  }

  /** Parses one definition; {@code file} is its name, also used in error messages. */
  public static Pipeline parse(String file, String yaml) {
    return parse(file, file, yaml);
  }

  /**
   * Parses one definition.
   *
   * @param file its file name, kept with the pipeline
   * @param path where it is (the full path), named by every error
   */
  public static Pipeline parse(String file, String path, String yaml) {
    return new PipelineParser(file, path).pipeline(new StringReader(yaml));
  }

  private Pipeline pipeline(Reader reader) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      // one line: SnakeYAML's own message spans several, with an excerpt of the file
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new PipelineDefinitionException(
          "%s:%d: (YAML syntax): %s"
              .formatted(path, mark == null ? 1 : mark.getLine() + 1, oneLine(problem)));
    } catch (YAMLException e) {
      throw new PipelineDefinitionException(path + ": not valid YAML: " + oneLine(e.getMessage()));
    }
    if (root == null) {
      throw new PipelineDefinitionException(path + ": the file is empty");
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
      if (phase.loop() != null) {
        requireEarlierPhase("phases[" + i + "]", phase, phases);
      }
      phases.add(phase);
    }
    return new Pipeline(name, file, phases);
  }

  private void requireEarlierPhase(String path, Phase phase, List<Phase> earlier) {
    String target = phase.loop().goTo();
    Node targetNode = loopTargets.get(phase.name());
    List<String> earlierNames = earlier.stream().map(Phase::name).toList();
    if (target.equals(phase.name())) {
      throw error(
          targetNode,
          path + ".loop.go-to",
          "a loop goes back to an earlier phase, not to '%s' itself (a retry does that); earlier phases: %s"
              .formatted(target, earlierNames));
    }
    if (!earlierNames.contains(target)) {
      throw error(
          targetNode,
          path + ".loop.go-to",
          "no phase '%s' before '%s'; earlier phases: %s"
              .formatted(target, phase.name(), earlierNames));
    }
  }

  private Phase phase(Node node, String path) {
    Map<String, NodeTuple> fields = mapping(node, path, PHASE_KEYS);
    String name = requiredScalar(node, fields, "name", path);
    if (!NAME.matcher(name).matches() || name.startsWith("_")) {
      throw error(
          fields.get("name").getValueNode(),
          path + ".name",
          "'" + name + "' may only use letters, digits, '.', '_' and '-'");
    }
    List<String> inputs = inputs(fields, path);
    Handler handler = handler(node, fields, path, inputs);
    List<OutputSpec> outputs = new ArrayList<>();
    if (fields.containsKey("expected-outputs")) {
      Node outputsNode = fields.get("expected-outputs").getValueNode();
      List<Node> outputNodes = sequence(outputsNode, path + ".expected-outputs");
      for (int i = 0; i < outputNodes.size(); i++) {
        outputs.add(output(outputNodes.get(i), path + ".expected-outputs[" + i + "]"));
      }
    }
    List<CheckSpec> checks = new ArrayList<>();
    if (fields.containsKey("exit-criteria")) {
      List<Node> checkNodes =
          sequence(fields.get("exit-criteria").getValueNode(), path + ".exit-criteria");
      Set<String> checkNames = new HashSet<>();
      for (int i = 0; i < checkNodes.size(); i++) {
        String checkPath = path + ".exit-criteria[" + i + "]";
        Map<String, NodeTuple> checkFields = mapping(checkNodes.get(i), checkPath, CHECK_KEYS);
        String checkName = requiredScalar(checkNodes.get(i), checkFields, "name", checkPath);
        if (!checkNames.add(checkName)) {
          throw error(
              checkFields.get("name").getValueNode(),
              checkPath + ".name",
              "duplicate check name '" + checkName + "'");
        }
        checks.add(new CheckSpec(checkName, command(checkNodes.get(i), checkPath, CHECK_KEYS)));
      }
    }
    List<String> allowed = new ArrayList<>();
    if (fields.containsKey("allowed-write-paths")) {
      List<Node> allowedNodes =
          sequence(fields.get("allowed-write-paths").getValueNode(), path + ".allowed-write-paths");
      for (int i = 0; i < allowedNodes.size(); i++) {
        allowed.add(allowedPath(allowedNodes.get(i), path + ".allowed-write-paths[" + i + "]"));
      }
    }
    PhaseRetryPolicy policy =
        fields.containsKey("retry-policy")
            ? retryPolicy(fields.get("retry-policy").getValueNode(), path + ".retry-policy")
            : null;
    LoopSpec loop = null;
    if (fields.containsKey("loop")) {
      Node loopNode = fields.get("loop").getValueNode();
      loop = loop(loopNode, path + ".loop", checks);
      loopTargets.put(
          name, mapping(loopNode, path + ".loop", LOOP_KEYS).get("go-to").getValueNode());
    }
    return new Phase(name, handler, outputs, checks, allowed, inputs, policy, loop);
  }

  private List<String> inputs(Map<String, NodeTuple> fields, String path) {
    List<String> inputs = new ArrayList<>();
    if (!fields.containsKey("inputs")) {
      return inputs;
    }
    List<Node> nodes = sequence(fields.get("inputs").getValueNode(), path + ".inputs");
    Set<String> variables = new HashSet<>();
    for (int i = 0; i < nodes.size(); i++) {
      String itemPath = path + ".inputs[" + i + "]";
      String input = scalar(nodes.get(i), itemPath);
      if (!INPUT_NAME.matcher(input).matches()) {
        throw error(
            nodes.get(i),
            itemPath,
            "'" + input + "' must start with a letter and use only letters, digits and '_'");
      }
      if (!variables.add(Phase.inputVariable(input))) {
        throw error(
            nodes.get(i),
            itemPath,
            "'%s' is declared twice (names differing only in case share %s)"
                .formatted(input, Phase.inputVariable(input)));
      }
      inputs.add(input);
    }
    return inputs;
  }

  private Handler handler(
      Node node, Map<String, NodeTuple> fields, String path, List<String> inputs) {
    boolean hasCommand = fields.containsKey("command");
    boolean hasHttp = fields.containsKey("http");
    if (hasCommand && hasHttp) {
      throw error(
          fields.get("http").getKeyNode(),
          path + ".http",
          "a phase has one handler, and this one already has a command");
    }
    if (hasHttp) {
      return http(fields.get("http").getValueNode(), path + ".http", inputs);
    }
    if (!hasCommand) {
      throw error(
          node, path + ".command", "is required (a phase needs a handler: command or http)");
    }
    return command(fields.get("command").getValueNode(), path + ".command", COMMAND_KEYS);
  }

  private HttpSpec http(Node node, String path, List<String> inputs) {
    Map<String, NodeTuple> fields = mapping(node, path, HTTP_KEYS);
    Node urlNode = required(node, fields, "url", path);
    String urlText = scalar(urlNode, path + ".url");
    URI url;
    try {
      url = new URI(urlText.strip());
    } catch (URISyntaxException e) {
      throw error(urlNode, path + ".url", "'" + urlText + "' is not a URL: " + e.getReason());
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !Set.of("http", "https").contains(scheme) || url.getHost() == null) {
      throw error(
          urlNode, path + ".url", "'" + urlText + "' must be an absolute http or https URL");
    }
    String method = "POST";
    if (fields.containsKey("method")) {
      Node methodNode = fields.get("method").getValueNode();
      method = scalar(methodNode, path + ".method").strip().toUpperCase(Locale.ROOT);
      if (!HttpSpec.METHODS.contains(method)) {
        throw error(
            methodNode,
            path + ".method",
            "'%s' is not supported; use one of %s".formatted(method, HttpSpec.METHODS));
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (fields.containsKey("headers")) {
      for (NodeTuple tuple :
          mapping(fields.get("headers").getValueNode(), path + ".headers", null).values()) {
        String header = scalar(tuple.getKeyNode(), path + ".headers");
        String headerPath = path + ".headers." + header;
        if (!HEADER_NAME.matcher(header).matches()) {
          throw error(tuple.getKeyNode(), headerPath, "is not a valid header name");
        }
        if (RESTRICTED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
          throw error(tuple.getKeyNode(), headerPath, "is set by the runner and cannot be given");
        }
        headers.put(header, scalar(tuple.getValueNode(), headerPath));
      }
    }
    String body = null;
    if (fields.containsKey("body")) {
      Node bodyNode = fields.get("body").getValueNode();
      body = scalar(bodyNode, path + ".body");
      if ("GET".equals(method)) {
        throw error(bodyNode, path + ".body", "a GET request carries no body");
      }
      List<String> unknown = BodyTemplate.unknownPlaceholders(body, inputs);
      if (!unknown.isEmpty()) {
        throw error(
            bodyNode,
            path + ".body",
            "unknown placeholder ${%s}; use %s or ${input.<name>} for a declared input (declared: %s)"
                .formatted(
                    unknown.get(0),
                    BodyTemplate.BUILT_IN.stream().map(b -> "${" + b + "}").toList(),
                    inputs));
      }
    }
    Duration timeout = DEFAULT_HTTP_TIMEOUT;
    if (fields.containsKey("timeout")) {
      Node timeoutNode = fields.get("timeout").getValueNode();
      timeout = duration(timeoutNode, path + ".timeout", scalar(timeoutNode, path + ".timeout"));
    }
    return new HttpSpec(url, method, headers, body, timeout);
  }

  private OutputSpec output(Node node, String path) {
    String output;
    long minSize = 0;
    Node pathNode = node;
    if (node instanceof MappingNode) {
      Map<String, NodeTuple> fields = mapping(node, path, OUTPUT_KEYS);
      pathNode = required(node, fields, "path", path);
      output = scalar(pathNode, path + ".path");
      if (fields.containsKey("min-size")) {
        Node sizeNode = fields.get("min-size").getValueNode();
        minSize = size(sizeNode, path + ".min-size", scalar(sizeNode, path + ".min-size"));
      }
    } else {
      output = scalar(node, path);
    }
    requireWorkspacePath(pathNode, path, output);
    return new OutputSpec(output, minSize);
  }

  private String allowedPath(Node node, String path) {
    String allowed = scalar(node, path);
    requireWorkspacePath(node, path, allowed);
    String normalized = Glob.isGlob(allowed) ? allowed : Path.of(allowed).normalize().toString();
    for (String area : RUNNER_AREAS) {
      if (normalized.equals(area) || normalized.startsWith(area + "/")) {
        throw error(
            node, path, "'" + allowed + "' is kept by the runner; a phase may not write it");
      }
    }
    return allowed;
  }

  /** A path or glob inside the workspace that names something in it, not the workspace itself. */
  private void requireWorkspacePath(Node node, String path, String value) {
    if (Glob.isGlob(value)) {
      if (value.startsWith("/") || List.of(value.split("/")).contains("..")) {
        throw error(node, path, "'" + value + "' escapes the workspace; use a path relative to it");
      }
      return;
    }
    requireInsideWorkspace(node, path, value);
    if (Path.of(value).normalize().toString().isEmpty()) {
      throw error(
          node,
          path,
          "'" + value + "' names the workspace itself; name a file or folder inside it");
    }
  }

  private long size(Node node, String path, String text) {
    Matcher matcher = SIZE.matcher(text.strip());
    if (!matcher.matches()) {
      throw error(node, path, "'" + text + "' is not a size (use 100, 10KiB, 5MiB)");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "b" : matcher.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit.charAt(0)) {
          case 'k' -> 1024L;
          case 'm' -> 1024L * 1024;
          case 'g' -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    try {
      return Math.multiplyExact(amount, factor);
    } catch (ArithmeticException e) {
      throw error(node, path, "'" + text + "' is too big");
    }
  }

  private PhaseRetryPolicy retryPolicy(Node node, String path) {
    Map<String, NodeTuple> fields = mapping(node, path, POLICY_KEYS);
    Integer maxAttempts = null;
    if (fields.containsKey("max-attempts")) {
      maxAttempts =
          integer(fields.get("max-attempts").getValueNode(), path + ".max-attempts", 1, 100);
    }
    Duration initial = interval(fields, "initial-interval", path);
    Duration max = interval(fields, "max-interval", path);
    Double multiplier = null;
    if (fields.containsKey("multiplier")) {
      Node multiplierNode = fields.get("multiplier").getValueNode();
      String text = scalar(multiplierNode, path + ".multiplier").strip();
      multiplier = text.matches("\\d{1,3}(\\.\\d{1,6})?") ? Double.parseDouble(text) : Double.NaN;
      if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
        throw error(
            multiplierNode,
            path + ".multiplier",
            "'" + text + "' must be a number from 1.0 to 100.0");
      }
    }
    String jitter = null;
    if (fields.containsKey("jitter")) {
      Node jitterNode = fields.get("jitter").getValueNode();
      jitter = scalar(jitterNode, path + ".jitter").strip().toUpperCase(Locale.ROOT);
      if (!PhaseRetryPolicy.JITTERS.contains(jitter)) {
        throw error(jitterNode, path + ".jitter", "'" + jitter + "' must be FULL or NONE");
      }
    }
    Set<FailureType> nonRetryable = EnumSet.noneOf(FailureType.class);
    if (fields.containsKey("non-retryable")) {
      List<Node> typeNodes =
          sequence(fields.get("non-retryable").getValueNode(), path + ".non-retryable");
      for (int i = 0; i < typeNodes.size(); i++) {
        String itemPath = path + ".non-retryable[" + i + "]";
        String type = scalar(typeNodes.get(i), itemPath).strip().toUpperCase(Locale.ROOT);
        try {
          nonRetryable.add(FailureType.valueOf(type));
        } catch (IllegalArgumentException e) {
          throw error(
              typeNodes.get(i),
              itemPath,
              "'%s' is not a failure type; use one of %s"
                  .formatted(type, List.of(FailureType.values())));
        }
      }
    }
    Duration deadline = null;
    if (fields.containsKey("deadline")) {
      Node deadlineNode = fields.get("deadline").getValueNode();
      String text = scalar(deadlineNode, path + ".deadline");
      deadline = parseDuration(deadlineNode, path + ".deadline", text);
      if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(LONGEST_INTERVAL) > 0) {
        throw error(
            deadlineNode,
            path + ".deadline",
            "'" + text + "' must be more than zero and at most 365 days");
      }
    }
    return new PhaseRetryPolicy(
        maxAttempts, initial, multiplier, max, jitter, nonRetryable, deadline);
  }

  private Duration interval(Map<String, NodeTuple> fields, String key, String path) {
    if (!fields.containsKey(key)) {
      return null;
    }
    Node node = fields.get(key).getValueNode();
    String text = scalar(node, path + "." + key);
    Duration interval = parseDuration(node, path + "." + key, text);
    if (interval.isNegative() || interval.compareTo(LONGEST_INTERVAL) > 0) {
      throw error(node, path + "." + key, "'" + text + "' must be from 0 to 365 days");
    }
    return interval;
  }

  private LoopSpec loop(Node node, String path, List<CheckSpec> checks) {
    Map<String, NodeTuple> fields = mapping(node, path, LOOP_KEYS);
    String onCheck = requiredScalar(node, fields, "on-check", path);
    List<String> checkNames = checks.stream().map(CheckSpec::name).toList();
    if (!checkNames.contains(onCheck)) {
      throw error(
          fields.get("on-check").getValueNode(),
          path + ".on-check",
          "'%s' is not one of this phase's exit criteria %s".formatted(onCheck, checkNames));
    }
    String goTo = requiredScalar(node, fields, "go-to", path);
    int max =
        integer(
            required(node, fields, "max-iterations", path),
            path + ".max-iterations",
            1,
            LoopSpec.MOST_ITERATIONS);
    return new LoopSpec(onCheck, goTo, max);
  }

  private int integer(Node node, String path, int min, int max) {
    String text = scalar(node, path).strip();
    if (text.matches("\\d{1,9}")) {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw error(node, path, "'%s' must be a whole number from %d to %d".formatted(text, min, max));
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
    return new PipelineDefinitionException("%s:%d: %s: %s".formatted(path, line, field, problem));
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
