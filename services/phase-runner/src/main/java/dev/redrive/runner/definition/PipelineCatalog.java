package dev.redrive.runner.definition;

import dev.redrive.runner.app.Pipelines;
import dev.redrive.runner.domain.Pipeline;
import dev.redrive.support.log.LogText;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The pipelines this runner knows, read from the pipeline files at one location.
 *
 * <p>{@link #load} reads them once and refuses a bad file (the runner does not start). {@link
 * #watching} reads them leniently and {@link #reload()} reads them again: a bad file is one ERROR
 * line ({@code /full/path.yaml:12: phases[0].command.timeout: 'soon' is not a duration}), the other
 * pipelines stay usable, and a file that turns bad keeps its last good version until it is mended.
 */
public class PipelineCatalog implements Pipelines {

  private static final Logger log = LoggerFactory.getLogger(PipelineCatalog.class);

  private final ResourcePatternResolver resolver;
  private final String location;
  private volatile Map<String, Pipeline> pipelines;
  private volatile Map<String, String> problems = Map.of();
  // each file's last content and what came of it; only touched in the synchronized reload()
  private final Map<String, Parsed> files = new HashMap<>();
  private boolean readBefore;

  private PipelineCatalog(
      ResourcePatternResolver resolver, String location, Map<String, Pipeline> pipelines) {
    this.resolver = resolver;
    this.location = location;
    this.pipelines = pipelines;
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file at {@code location} (a Spring resource
   * location such as {@code classpath:pipelines/} or {@code file:/etc/redrive/pipelines/}).
   *
   * @throws PipelineDefinitionException naming the file (its full path), line and field of the
   *     first problem, or that there is no file
   */
  public static PipelineCatalog load(ResourcePatternResolver resolver, String location) {
    Map<String, Pipeline> pipelines = new TreeMap<>();
    Map<String, String> paths = new HashMap<>();
    for (PipelineFiles.Source source : PipelineFiles.read(resolver, location)) {
      if (source.yaml() == null) {
        throw new PipelineDefinitionException(PipelineFiles.tooBig(source));
      }
      Pipeline pipeline = PipelineParser.parse(source.name(), source.path(), source.yaml());
      String previous = paths.putIfAbsent(pipeline.name(), source.path());
      if (previous != null) {
        throw duplicate(source, pipeline, previous);
      }
      pipelines.put(pipeline.name(), pipeline);
    }
    if (pipelines.isEmpty()) {
      throw new PipelineDefinitionException(
          "no pipeline definitions (*.yaml) found at "
              + location
              + " (setting redrive.runner.pipelines)");
    }
    return new PipelineCatalog(resolver, location, Map.copyOf(pipelines));
  }

  /**
   * Reads the files at {@code location} as {@link #reload()} does: a bad file is logged and left
   * out, none at all is allowed (files may come later). Nothing about a file stops the runner.
   */
  public static PipelineCatalog watching(ResourcePatternResolver resolver, String location) {
    PipelineCatalog catalog = new PipelineCatalog(resolver, location, Map.of());
    catalog.reload();
    return catalog;
  }

  /**
   * Reads the files again. New and changed files are parsed (INFO for each pipeline added, changed
   * or removed); a file that does not parse, or defines a pipeline that an earlier file (by path)
   * already defines, is an ERROR line once, until it changes. A file that turned bad keeps the
   * version it had before. A file that cannot be read at all leaves everything as it was (WARN).
   */
  public synchronized void reload() {
    List<PipelineFiles.Source> sources;
    try {
      sources = PipelineFiles.read(resolver, location);
    } catch (RuntimeException e) {
      log.warn("could not read pipelines at {}: {}", location, LogText.escape(e.getMessage()));
      return;
    }
    Map<String, Pipeline> next = new TreeMap<>();
    Map<String, String> paths = new HashMap<>();
    Map<String, String> nextProblems = new TreeMap<>();
    Map<String, Parsed> nextFiles = new HashMap<>();
    for (PipelineFiles.Source source : sources) {
      Parsed parsed = parse(source, files.get(source.path()));
      nextFiles.put(source.path(), parsed);
      if (parsed.problem() != null) {
        nextProblems.put(source.path(), parsed.problem());
      }
      Pipeline usable = parsed.usable();
      if (usable == null) {
        continue;
      }
      String previous = paths.putIfAbsent(usable.name(), source.path());
      if (previous != null) {
        nextProblems.put(source.path(), duplicate(source, usable, previous).getMessage());
        continue;
      }
      next.put(usable.name(), usable);
    }
    report(nextProblems, nextFiles, next, paths);
    files.clear();
    files.putAll(nextFiles);
    problems = Map.copyOf(nextProblems);
    pipelines = Map.copyOf(next);
  }

  /**
   * The files that cannot be used now, each with its one-line error (empty after {@link #load}).
   */
  public Map<String, String> problems() {
    return problems;
  }

  /** The location the files are read from (a Spring resource location). */
  public String location() {
    return location;
  }

  @Override
  public Optional<Pipeline> find(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }

  @Override
  public Collection<Pipeline> all() {
    return new TreeMap<>(pipelines).values();
  }

  private static Parsed parse(PipelineFiles.Source source, Parsed before) {
    if (before != null && Objects.equals(before.yaml(), source.yaml())) {
      return before;
    }
    Pipeline lastGood = before == null ? null : before.usable();
    if (source.yaml() == null) {
      return new Parsed(null, null, PipelineFiles.tooBig(source), lastGood);
    }
    try {
      Pipeline pipeline = PipelineParser.parse(source.name(), source.path(), source.yaml());
      return new Parsed(source.yaml(), pipeline, null, null);
    } catch (PipelineDefinitionException e) {
      return new Parsed(source.yaml(), null, e.getMessage(), lastGood);
    }
  }

  private void report(
      Map<String, String> nextProblems,
      Map<String, Parsed> nextFiles,
      Map<String, Pipeline> next,
      Map<String, String> paths) {
    nextProblems.forEach(
        (path, problem) -> {
          if (!problem.equals(problems.get(path))) {
            Parsed parsed = nextFiles.get(path);
            Pipeline kept = parsed.pipeline() == null ? parsed.lastGood() : null;
            log.error(
                "{}{}",
                LogText.escape(problem),
                kept == null
                    ? ""
                    : " (pipeline '%s' keeps its previous version)".formatted(kept.name()));
          }
        });
    problems.keySet().stream()
        .filter(path -> !nextProblems.containsKey(path))
        .forEach(path -> log.info("{}: mended", LogText.escape(path)));
    if (!readBefore) {
      readBefore = true;
      log.info("{} pipeline(s) at {}: {}", next.size(), location, String.join(", ", next.keySet()));
      return;
    }
    next.forEach(
        (name, pipeline) -> {
          Pipeline before = pipelines.get(name);
          if (before == null) {
            log.info("pipeline '{}' loaded from {}", name, LogText.escape(paths.get(name)));
          } else if (before != pipeline) {
            log.info("pipeline '{}' reloaded from {}", name, LogText.escape(paths.get(name)));
          }
        });
    pipelines.keySet().stream()
        .filter(name -> !next.containsKey(name))
        .forEach(name -> log.info("pipeline '{}' is no longer defined at {}", name, location));
  }

  private static PipelineDefinitionException duplicate(
      PipelineFiles.Source source, Pipeline pipeline, String previousPath) {
    return new PipelineDefinitionException(
        "%s: pipeline '%s' is already defined in %s"
            .formatted(source.path(), pipeline.name(), previousPath));
  }

  /**
   * A file as last read.
   *
   * @param pipeline what it defines, null when it does not parse
   * @param problem why it cannot be used, or null
   * @param lastGood what it defined before it turned bad, or null
   */
  private record Parsed(String yaml, Pipeline pipeline, String problem, Pipeline lastGood) {
    Pipeline usable() {
      return pipeline != null ? pipeline : lastGood;
    }
  }
}
