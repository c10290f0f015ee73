package dev.redrive.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the services are and which token to send to each. Each value comes from the first place
 * that has it: the command-line flag, the environment, the config file, the default. A token is
 * sent only to its own service: a service's own token ({@code REDRIVE_RUNNER_TOKEN}, {@code
 * runner-token}) wins over the shared one ({@code REDRIVE_API_TOKEN}, {@code token}) from the same
 * place, and {@code --token} is for all three.
 *
 * @param tokens the token for each service that has one
 * @param configFile the config file that was read, or null when there was none
 */
record Settings(Map<Service, URI> urls, Map<Service, String> tokens, Path configFile) {

  /** The config file read when {@code --config} is not given, relative to the home folder. */
  static final String DEFAULT_CONFIG = ".config/redrive/config.properties";

  static final String TOKEN_VARIABLE = "REDRIVE_API_TOKEN";
  static final String TOKEN_KEY = "token";

  URI url(Service service) {
    return urls.get(service);
  }

  /** The token to send to this service, or null. */
  String token(Service service) {
    return tokens.get(service);
  }

  /**
   * @param flagUrls service addresses given as flags (missing or null = not given)
   * @param flagToken the {@code --token} flag, or null
   * @param flagConfig the {@code --config} flag, or null (then the default file, when it exists)
   * @param environment the process environment
   * @param home the user's home folder
   */
  static Settings resolve(
      Map<Service, String> flagUrls,
      String flagToken,
      Path flagConfig,
      Map<String, String> environment,
      Path home) {
    Path configFile = flagConfig;
    if (configFile == null && home != null && Files.isRegularFile(home.resolve(DEFAULT_CONFIG))) {
      configFile = home.resolve(DEFAULT_CONFIG);
    }
    Properties file = configFile == null ? new Properties() : load(configFile);
    Map<Service, URI> urls = new EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      String fromFlag = flagUrls.get(service);
      String fromEnvironment = environment.get(service.environmentVariable());
      String fromFile = file.getProperty(service.configKey());
      String value;
      String origin;
      if (present(fromFlag)) {
        value = fromFlag;
        origin = service.option();
      } else if (present(fromEnvironment)) {
        value = fromEnvironment;
        origin = service.environmentVariable();
      } else if (present(fromFile)) {
        value = fromFile;
        origin = service.configKey() + " in " + configFile;
      } else {
        value = service.defaultUrl();
        origin = "default";
      }
      urls.put(service, url(value.strip(), origin));
    }
    Map<Service, String> tokens = new EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      String token =
          firstPresent(
              flagToken,
              environment.get(service.tokenVariable()),
              environment.get(TOKEN_VARIABLE),
              file.getProperty(service.tokenKey()),
              file.getProperty(TOKEN_KEY));
      if (token != null) {
        tokens.put(service, token.strip());
      }
    }
    return new Settings(urls, tokens, configFile);
  }

  private static String firstPresent(String... values) {
    for (String value : values) {
      if (present(value)) {
        return value;
      }
    }
    return null;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static URI url(String value, String origin) {
    String trimmed = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw notAnUrl(value, origin);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw notAnUrl(value, origin);
    }
    return uri;
  }

  private static UsageException notAnUrl(String value, String origin) {
    return new UsageException(
        "'%s' (from %s) is not an http:// or https:// address".formatted(value, origin));
  }

  private static Properties load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("Config file not found: " + file);
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UsageException("Cannot read config file " + file + ": " + e.getMessage());
    }
    return properties;
  }
}
