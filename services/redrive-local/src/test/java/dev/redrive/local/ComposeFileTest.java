package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so this reads it and checks what
 * would otherwise only fail at {@code docker compose up}: mounted and built files exist, every
 * {@code REDRIVE_*} variable a service gets is one it reads, ports agree with the services'
 * configuration, health checks gate the start order, and Prometheus scrapes the right ports.
 */
class ComposeFileTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::-?([^}]*))?}");

  private static Path root;
  private static Map<String, Map<String, Object>> services;
  private static Map<String, Object> compose;

  @BeforeAll
  static void readComposeFile() {
    root = repositoryRoot();
    compose = yaml(root.resolve("docker-compose.yml"));
    services = maps(compose.get("services"));
  }

  @Test
  void shouldMountOnlyFilesThatExistAndVolumesThatAreDeclared() {
    Set<String> declaredVolumes = maps(compose.getOrDefault("volumes", Map.of())).keySet();
    List<String> problems = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          for (Object entry : list(service.get("volumes"))) {
            String source = String.valueOf(entry).split(":")[0];
            if (source.startsWith(".") || source.startsWith("/")) {
              if (!Files.exists(root.resolve(source).normalize())) {
                problems.add(name + " mounts " + source + ", which does not exist");
              }
            } else if (!declaredVolumes.contains(source)) {
              problems.add(name + " mounts volume " + source + ", not declared under volumes:");
            }
          }
        });
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldBuildFromFilesThatExistAndThatTheBuildContextLetsThrough() throws IOException {
    List<String> problems = new ArrayList<>();
    for (var entry : redriveServices().entrySet()) {
      String name = entry.getKey();
      Map<String, Object> build = maps(entry.getValue().get("build"));
      Path context = root.resolve(String.valueOf(build.get("context"))).normalize();
      Path dockerfile = context.resolve(String.valueOf(build.get("dockerfile")));
      String module = moduleOf(entry.getValue());
      if (!Files.isDirectory(context)) {
        problems.add(name + ": build context " + context + " does not exist");
      }
      if (!Files.isRegularFile(dockerfile)) {
        problems.add(name + ": Dockerfile " + dockerfile + " does not exist");
        continue;
      }
      if (!Files.isRegularFile(root.resolve("services").resolve(module).resolve("pom.xml"))) {
        problems.add(name + ": build arg SERVICE=" + module + " is no module under services/");
      }
      Path ignore = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
      List<String> letThrough =
          Files.readAllLines(ignore).stream()
              .map(String::strip)
              .filter(l -> l.startsWith("!"))
              .map(l -> trimSlash(l.substring(1)))
              .toList();
      for (String source : copiedSources(dockerfile)) {
        if (!Files.exists(context.resolve(source))) {
          problems.add(name + ": the Dockerfile copies " + source + ", which does not exist");
        }
        String path = trimSlash(source);
        if (letThrough.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
          problems.add(name + ": the Dockerfile copies " + source + ", which " + ignore + " drops");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldGiveEachServiceOnlyRedriveVariablesItReads() {
    List<String> problems = new ArrayList<>();
    for (var entry : redriveServices().entrySet()) {
      String module = moduleOf(entry.getValue());
      Set<String> readByYml = placeholders(serviceYml(module));
      Set<String> properties = new TreeSet<>();
      properties.addAll(propertyNames("dev.redrive.support"));
      properties.addAll(propertyNames(applicationPackage(module)));
      for (String variable : environment(entry.getValue()).keySet()) {
        if (!variable.startsWith("REDRIVE_") || readByYml.contains(variable)) {
          continue;
        }
        String relaxed = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        boolean known = properties.stream().anyMatch(p -> binds(p, relaxed));
        if (!known) {
          problems.add(
              entry.getKey()
                  + " gets "
                  + variable
                  + ": neither "
                  + module
                  + ".yml reads it nor is it a property of the service");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldPublishAndCheckTheServicesOwnPorts() throws IOException {
    List<String> problems = new ArrayList<>();
    String healthcheck = Files.readString(root.resolve("deploy/docker/healthcheck.sh"));
    for (var entry : redriveServices().entrySet()) {
      String name = entry.getKey();
      Map<String, Object> service = entry.getValue();
      String module = moduleOf(service);
      Map<String, Object> yml = yaml(serviceYml(module));
      String portSetting = String.valueOf(maps(yml.get("server")).get("port"));
      Matcher placeholder = PLACEHOLDER.matcher(portSetting);
      assertThat(placeholder.matches()).as(module + ".yml server.port").isTrue();
      String variable = placeholder.group(1);
      int port =
          Integer.parseInt(
              environment(service).getOrDefault(variable, placeholder.group(2)).toString());

      for (Object published : list(service.get("ports"))) {
        String[] parts = String.valueOf(published).split(":");
        int container = Integer.parseInt(parts[parts.length - 1].replace("/tcp", ""));
        if (container != port) {
          problems.add(name + " publishes container port " + container + ", listens on " + port);
        }
      }
      Object buildPort = maps(maps(service.get("build")).get("args")).get("PORT");
      if (!String.valueOf(port).equals(String.valueOf(buildPort))) {
        problems.add(name + ": build arg PORT=" + buildPort + ", listens on " + port);
      }
      Matcher checked =
          Pattern.compile(Pattern.quote(module) + "\\) port=\"\\$\\{" + variable + ":-(\\d+)}\"")
              .matcher(healthcheck);
      if (!checked.find()) {
        problems.add("healthcheck.sh does not read " + variable + " for " + module);
      } else if (!checked.group(1).equals(placeholder.group(2))) {
        problems.add(
            "healthcheck.sh defaults "
                + module
                + " to port "
                + checked.group(1)
                + ", "
                + module
                + ".yml to "
                + placeholder.group(2));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldBindPublishedPortsToLoopbackAndGiveNoSecretADefault() {
    List<String> problems = new ArrayList<>();
    for (var entry : services.entrySet()) {
      for (Object published : list(entry.getValue().get("ports"))) {
        String port = String.valueOf(published);
        if (!port.startsWith("127.0.0.1:") && !port.startsWith("${REDRIVE_BIND:-127.0.0.1}:")) {
          problems.add(entry.getKey() + " publishes " + port + " beyond loopback by default");
        }
      }
      for (var variable : environment(entry.getValue()).entrySet()) {
        String value = String.valueOf(variable.getValue());
        boolean secret =
            variable.getKey().endsWith("TOKEN") || variable.getKey().endsWith("ADMIN_PASSWORD");
        if (secret && !value.matches("\\$\\{[A-Z_]+:\\?[^}]*}")) {
          problems.add(
              entry.getKey() + " gets " + variable.getKey() + "=" + value + ": no default secret");
        }
      }
    }
    for (String service : redriveServices().keySet()) {
      if (!environment(services.get(service)).containsKey("REDRIVE_API_TOKEN")) {
        problems.add(service + " gets no REDRIVE_API_TOKEN");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldHaveAHealthCheckOnEveryServiceAndStartOnlyAfterHealthyDependencies() {
    List<String> problems = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          Object healthcheck = service.get("healthcheck");
          if (!(healthcheck instanceof Map<?, ?> check) || check.get("test") == null) {
            problems.add(name + " has no healthcheck");
          }
          Object dependsOn = service.get("depends_on");
          if (dependsOn instanceof List<?> names) {
            problems.add(name + " lists depends_on without conditions: " + names);
            return;
          }
          ComposeFileTest.<Map<String, Object>>maps(dependsOn == null ? Map.of() : dependsOn)
              .forEach(
                  (dependency, condition) -> {
                    if (!services.containsKey(dependency)) {
                      problems.add(name + " depends on " + dependency + ", which is no service");
                    }
                    if (!"service_healthy".equals(condition.get("condition"))) {
                      problems.add(name + " does not wait for " + dependency + " to be healthy");
                    }
                  });
        });
    for (var entry : redriveServices().entrySet()) {
      Set<String> dependencies = maps(entry.getValue().get("depends_on")).keySet();
      if (!dependencies.containsAll(List.of("postgres", "kafka", "schema-registry"))) {
        problems.add(entry.getKey() + " starts before its infrastructure: " + dependencies);
      }
    }
    if (!maps(services.get("grafana").get("depends_on")).containsKey("prometheus")) {
      problems.add("grafana starts before prometheus");
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldScrapeEveryRedriveServiceOnItsOwnPortAndMetricsPath() {
    Map<String, Object> prometheus = yaml(root.resolve("deploy/prometheus/prometheus.yml"));
    Map<String, Integer> scraped = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> job : listOfMaps(prometheus.get("scrape_configs"))) {
      for (Map<String, Object> discovery : listOfMaps(job.get("dns_sd_configs"))) {
        for (Object target : list(discovery.get("names"))) {
          scraped.put(String.valueOf(target), ((Number) discovery.get("port")).intValue());
        }
      }
      for (Map<String, Object> fixed : listOfMaps(job.get("static_configs"))) {
        for (Object target : list(fixed.get("targets"))) {
          String[] hostPort = String.valueOf(target).split(":");
          scraped.put(hostPort[0], Integer.parseInt(hostPort[1]));
        }
      }
      if (!"/actuator/prometheus".equals(job.get("metrics_path"))) {
        problems.add("job " + job.get("job_name") + " scrapes " + job.get("metrics_path"));
      }
    }
    for (var entry : redriveServices().entrySet()) {
      String module = moduleOf(entry.getValue());
      Map<String, Object> yml = yaml(serviceYml(module));
      Matcher port = PLACEHOLDER.matcher(String.valueOf(maps(yml.get("server")).get("port")));
      assertThat(port.matches()).isTrue();
      int listens =
          Integer.parseInt(
              environment(entry.getValue()).getOrDefault(port.group(1), port.group(2)).toString());
      Integer target = scraped.get(entry.getKey());
      if (target == null) {
        problems.add(entry.getKey() + " is not scraped");
      } else if (target != listens) {
        problems.add(entry.getKey() + " is scraped on " + target + ", listens on " + listens);
      }
      String exposed =
          String.valueOf(
              maps(maps(maps(maps(yml.get("management")).get("endpoints")).get("web"))
                      .get("exposure"))
                  .get("include"));
      if (!exposed.contains("prometheus")) {
        problems.add(module + ".yml does not expose /actuator/prometheus");
      }
    }
    for (String target : scraped.keySet()) {
      if (!services.containsKey(target)) {
        problems.add("Prometheus scrapes " + target + ", which is no compose service");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldProvisionGrafanaFromTheMountedFolders() {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object entry : list(services.get("grafana").get("volumes"))) {
      String[] parts = String.valueOf(entry).split(":");
      mounts.put(parts[1], parts[0]);
    }
    Path provisioning = root.resolve(mounts.get("/etc/grafana/provisioning")).normalize();
    Map<String, Object> provider =
        listOfMaps(yaml(provisioning.resolve("dashboards/redrive.yml")).get("providers")).get(0);
    String dashboardsPath = String.valueOf(maps(provider.get("options")).get("path"));
    assertThat(mounts).containsKey(dashboardsPath);
    assertThat(root.resolve(mounts.get(dashboardsPath)).resolve("redrive-overview.json"))
        .isRegularFile();

    Map<String, Object> datasource =
        listOfMaps(yaml(provisioning.resolve("datasources/prometheus.yml")).get("datasources"))
            .get(0);
    assertThat(datasource).containsEntry("uid", "prometheus");
    String url = String.valueOf(datasource.get("url"));
    assertThat(url).startsWith("http://prometheus:");
    String port = url.substring("http://prometheus:".length());
    assertThat(list(services.get("prometheus").get("ports")))
        .anySatisfy(p -> assertThat(String.valueOf(p)).endsWith(":" + port));
  }

  // ---------------------------------------------------------------------------------------------

  /** The compose services built from this repository's Dockerfile (build arg SERVICE). */
  private static Map<String, Map<String, Object>> redriveServices() {
    Map<String, Map<String, Object>> redrive = new LinkedHashMap<>();
    services.forEach(
        (name, service) -> {
          if (service.get("build") instanceof Map<?, ?> build
              && build.get("args") instanceof Map<?, ?> args
              && args.containsKey("SERVICE")) {
            redrive.put(name, service);
          }
        });
    assertThat(redrive).containsOnlyKeys("phase-runner", "retry-coordinator", "audit");
    return redrive;
  }

  private static String moduleOf(Map<String, Object> service) {
    return String.valueOf(maps(maps(service.get("build")).get("args")).get("SERVICE"));
  }

  private static Path serviceYml(String module) {
    return root.resolve("services/" + module + "/src/main/resources/" + module + ".yml");
  }

  private static Map<String, Object> environment(Map<String, Object> service) {
    Object environment = service.get("environment");
    return environment == null ? Map.of() : maps(environment);
  }

  private static Set<String> placeholders(Path file) {
    Set<String> names = new TreeSet<>();
    try {
      Matcher matcher = PLACEHOLDER.matcher(Files.readString(file));
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The package of the module's Spring Boot application class (its *Application.java). */
  private static String applicationPackage(String module) {
    Path sources = root.resolve("services/" + module + "/src/main/java");
    try (Stream<Path> files = Files.walk(sources)) {
      Path application =
          files
              .filter(f -> f.getFileName().toString().endsWith("Application.java"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no *Application.java in " + sources));
      return sources.relativize(application.getParent()).toString().replace('/', '.');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every property of the {@code @ConfigurationProperties} classes in a package, in the canonical
   * form relaxed binding compares (lower case, no dashes); {@code prefix.*} for a map.
   */
  private static Set<String> propertyNames(String basePackage) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    Set<String> names = new TreeSet<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
      Class<?> type;
      try {
        type = Class.forName(candidate.getBeanClassName());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
      collect(canonical(prefix), type, names);
    }
    assertThat(names).as("properties under " + basePackage).isNotEmpty();
    return names;
  }

  private static void collect(String prefix, Class<?> type, Set<String> names) {
    for (RecordComponent component : type.getRecordComponents()) {
      String name = prefix + "." + canonical(component.getName());
      Class<?> value = component.getType();
      if (value.isRecord()) {
        collect(name, value, names);
      } else if (Map.class.isAssignableFrom(value)) {
        names.add(name + ".*");
      } else if (Collection.class.isAssignableFrom(value)) {
        names.add(name);
        names.add(name + ".*");
      } else {
        names.add(name);
      }
    }
  }

  /** Whether a variable, relaxed to {@code a.b.c}, names this property (or a map entry of it). */
  private static boolean binds(String property, String relaxed) {
    return property.endsWith(".*")
        ? relaxed.startsWith(property.substring(0, property.length() - 1))
        : relaxed.equals(property);
  }

  private static String canonical(String name) {
    return name.replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** Sources of the Dockerfile's COPY instructions from the build context (not --from=). */
  private static List<String> copiedSources(Path dockerfile) throws IOException {
    List<String> sources = new ArrayList<>();
    for (String line : Files.readAllLines(dockerfile)) {
      String[] words = line.strip().split("\\s+");
      if (words.length < 3 || !words[0].equals("COPY")) {
        continue;
      }
      List<String> arguments = Stream.of(words).skip(1).filter(w -> !w.startsWith("--")).toList();
      if (Stream.of(words).anyMatch(w -> w.startsWith("--from="))) {
        continue;
      }
      sources.addAll(arguments.subList(0, arguments.size() - 1));
    }
    assertThat(sources).as("COPY sources of " + dockerfile).isNotEmpty();
    return sources;
  }

  private static String trimSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a folder above the working directory with docker-compose.yml").isNotNull();
    return dir;
  }

  private static Map<String, Object> yaml(Path file) {
    try {
      return new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> maps(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, V>) value;
  }

  private static List<Object> list(Object value) {
    if (value == null) {
      return List.of();
    }
    assertThat(value).isInstanceOf(List.class);
    return new ArrayList<>((List<?>) value);
  }

  private static List<Map<String, Object>> listOfMaps(Object value) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Object element : list(value)) {
      result.add(maps(element));
    }
    return result;
  }
}
