package dev.redrive.runner.definition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/** Reads the pipeline files ({@code *.yaml}, {@code *.yml}) at a Spring resource location. */
final class PipelineFiles {

  /** The largest pipeline file read; a bigger one is refused, naming its path and size. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  /**
   * One file.
   *
   * @param name its file name (what the pipeline listing shows)
   * @param path where it is, in full (what an error names): an absolute path for a file, else the
   *     location and the name ({@code classpath:pipelines/demo.yaml})
   * @param yaml its content, or null when it is too big
   */
  record Source(String name, String path, String yaml) {}

  private PipelineFiles() {}

  /** The files at the location, sorted by path; a missing folder has none. */
  static List<Source> read(ResourcePatternResolver resolver, String location) {
    String base = location.endsWith("/") ? location : location + "/";
    List<Source> sources = new ArrayList<>();
    try {
      for (String pattern : new String[] {"*.yaml", "*.yml"}) {
        for (Resource resource : resolver.getResources(base + pattern)) {
          String path = path(resource, base);
          String yaml =
              resource.contentLength() > MAX_FILE_BYTES
                  ? null
                  : resource.getContentAsString(StandardCharsets.UTF_8);
          sources.add(new Source(resource.getFilename(), path, yaml));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read pipelines at " + location, e);
    }
    sources.sort(Comparator.comparing(Source::path));
    return sources;
  }

  /** The error of a file too big to read. */
  static String tooBig(Source source) {
    return "%s: the file is larger than %d bytes; a pipeline file may be at most 1 MiB"
        .formatted(source.path(), MAX_FILE_BYTES);
  }

  private static String path(Resource resource, String base) throws IOException {
    if (resource.isFile()) {
      return resource.getFile().getAbsolutePath();
    }
    return base + resource.getFilename();
  }
}
