package dev.redrive.support.avro;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Picks the {@link SchemaRegistryClient} for a {@code schema.registry.url}: {@code mock://<scope>}
 * is the {@link InMemorySchemaRegistry} of that scope, anything else a {@link
 * RestSchemaRegistryClient}.
 */
public final class SchemaRegistryClients {

  /** URL prefix of in-memory registries. */
  public static final String MOCK_PREFIX = "mock://";

  private SchemaRegistryClients() {}

  /**
   * Creates the client described by a Kafka client configuration ({@link AvroSerdeConfig} keys).
   *
   * @throws ConfigException naming the key when {@code schema.registry.url} is missing or invalid
   */
  public static SchemaRegistryClient create(Map<String, ?> configs) {
    return create(AvroSerdeConfig.from(configs));
  }

  /** Returns the client for a URL (or comma-separated list) without authentication. */
  public static SchemaRegistryClient forUrl(String url) {
    return forUrl(url, null);
  }

  /**
   * Returns the client for a URL (or comma-separated list).
   *
   * @param basicAuthUserInfo {@code user:password}, or {@code null}
   * @throws IllegalArgumentException when the URL is not valid
   */
  public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo) {
    return forUrl(
        url,
        basicAuthUserInfo,
        RestSchemaRegistryClient.CACHE_LATEST_FOREVER,
        AvroSerdeConfig.DEFAULT_MAX_RESPONSE_BYTES);
  }

  static SchemaRegistryClient create(AvroSerdeConfig config) {
    String url = config.requireSchemaRegistryUrl();
    try {
      return forUrl(
          url, config.basicAuthUserInfo(), config.latestCacheTtl(), config.maxResponseBytes());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, e.getMessage());
    }
  }

  private static SchemaRegistryClient forUrl(
      String url, String basicAuthUserInfo, Duration latestCacheTtl, int maxResponseBytes) {
    String trimmed = url.strip();
    if (trimmed.startsWith(MOCK_PREFIX)) {
      String scope = trimmed.substring(MOCK_PREFIX.length());
      if (scope.isEmpty() || scope.contains(",")) {
        throw new IllegalArgumentException(
            "Invalid in-memory registry URL '" + url + "': expected mock://<scope>");
      }
      return InMemorySchemaRegistry.forScope(scope);
    }
    return new RestSchemaRegistryClient(
        trimmed,
        basicAuthUserInfo,
        RestSchemaRegistryClient.DEFAULT_TIMEOUT,
        latestCacheTtl,
        maxResponseBytes);
  }
}
