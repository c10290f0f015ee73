package dev.redrive.runner.definition;

import dev.redrive.runner.app.Pipelines;
import dev.redrive.runner.domain.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/** The pipelines this runner knows, loaded and validated once at start. */
public class PipelineCatalog implements Pipelines {

  private final Map<String, Pipeline> pipelines;

  private PipelineCatalog(Map<String, Pipeline> pipelines) {
    this.pipelines = pipelines;
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file at {@code location} (a Spring resource
   * location such as {@code classpath:pipelines/} or {@code file:/etc/redrive/pipelines/}).
   *
   * @throws PipelineDefinitionException naming the file, line and field of the first problem
   */
  public static PipelineCatalog load(ResourcePatternResolver resolver, String location) {
    String base = location.endsWith("/") ? location : location + "/";
    Map<String, Pipeline> pipelines = new TreeMap<>();
    try {
      for (String pattern : new String[] {"*.yaml", "*.yml"}) {
        for (Resource resource : resolver.getResources(base + pattern)) {
          String file = resource.getFilename();
          String yaml = resource.getContentAsString(StandardCharsets.UTF_8);
          Pipeline pipeline = PipelineParser.parse(file, yaml);
          Pipeline previous = pipelines.put(pipeline.name(), pipeline);
          if (previous != null) {
            throw new PipelineDefinitionException(
                "%s: pipeline '%s' is already defined in %s"
                    .formatted(file, pipeline.name(), previous.file()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read pipelines at " + location, e);
    }
    if (pipelines.isEmpty()) {
      throw new PipelineDefinitionException(
          "no pipeline definitions (*.yaml) found at "
              + location
              + " (setting redrive.runner.pipelines)");
    }
    return new PipelineCatalog(Map.copyOf(pipelines));
  }

  @Override
  public Optional<Pipeline> find(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }

  @Override
  public Collection<Pipeline> all() {
    return new TreeMap<>(pipelines).values();
  }
}
