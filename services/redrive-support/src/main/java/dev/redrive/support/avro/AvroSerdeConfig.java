package dev.redrive.support.avro;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of {@link RedriveAvroSerializer} and {@link RedriveAvroDeserializer}, read from the
 * Kafka client configuration. The keys have the names and meanings of Confluent's serde, so that
 * switching to Confluent's {@code KafkaAvroSerializer} is a change of class name only.
 *
 * @param schemaRegistryUrl {@value #SCHEMA_REGISTRY_URL}: registry base URL, a comma-separated
 *     list, or {@code mock://<scope>}; {@code null} when not set
 * @param autoRegisterSchemas {@value #AUTO_REGISTER_SCHEMAS}: the serializer registers the record's
 *     schema (default true); when false the schema must already be registered
 * @param useLatestVersion {@value #USE_LATEST_VERSION}: the serializer writes with the latest
 *     registered version of the subject instead of the record's own schema (default false)
 * @param specificAvroReader {@value #SPECIFIC_AVRO_READER}: the deserializer returns the generated
 *     {@code SpecificRecord} class instead of a {@code GenericRecord} (default false)
 * @param basicAuthUserInfo {@value #BASIC_AUTH_USER_INFO}: {@code user:password} for HTTP basic
 *     authentication against the registry; {@code null} when not set
 * @param latestCacheTtl {@value #LATEST_CACHE_TTL_SEC}: how long the latest version of a subject is
 *     cached, in seconds; -1 (the default) keeps it for good
 * @param maxResponseBytes {@value #MAX_RESPONSE_BYTES}: the largest answer read from the registry
 *     (default {@value #DEFAULT_MAX_RESPONSE_BYTES}); a larger one fails with an error naming the
 *     key instead of being held in memory
 */
public record AvroSerdeConfig(
    String schemaRegistryUrl,
    boolean autoRegisterSchemas,
    boolean useLatestVersion,
    boolean specificAvroReader,
    String basicAuthUserInfo,
    Duration latestCacheTtl,
    int maxResponseBytes) {

  /** Registry base URL, a comma-separated list of them, or {@code mock://<scope>}. Required. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

  /** Whether the serializer registers the schema of what it writes. Default true. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /** Whether the serializer writes with the latest version of the subject. Default false. */
  public static final String USE_LATEST_VERSION = "use.latest.version";

  /** Whether the deserializer returns generated SpecificRecord classes. Default false. */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  /** {@code user:password} for HTTP basic authentication against the registry. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

  /** Seconds the latest version of a subject stays cached; -1 (default) for good. */
  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

  /** Largest registry answer read, in bytes (a Redrive setting; Confluent's serde has none). */
  public static final String MAX_RESPONSE_BYTES = "schema.registry.max.response.bytes";

  /** 1 MiB: Redrive's largest schema is a few kB, a registry's error answers smaller. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

  /**
   * Reads the settings from a Kafka client configuration; missing keys take their defaults.
   *
   * @throws ConfigException naming the key when a value has the wrong type
   */
  public static AvroSerdeConfig from(Map<String, ?> configs) {
    return new AvroSerdeConfig(
        url(configs.get(SCHEMA_REGISTRY_URL)),
        flag(configs, AUTO_REGISTER_SCHEMAS, true),
        flag(configs, USE_LATEST_VERSION, false),
        flag(configs, SPECIFIC_AVRO_READER, false),
        text(configs.get(BASIC_AUTH_USER_INFO)),
        Duration.ofSeconds(number(configs, LATEST_CACHE_TTL_SEC, -1, "a whole number of seconds")),
        maxResponseBytes(configs));
  }

  private static int maxResponseBytes(Map<String, ?> configs) {
    long value =
        number(configs, MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_BYTES, "a number of bytes");
    if (value < 1024 || value > Integer.MAX_VALUE - 8) {
      throw new ConfigException(
          MAX_RESPONSE_BYTES, value, "expected a number of bytes from 1024 to 2147483639");
    }
    return (int) value;
  }

  /**
   * Returns {@link #schemaRegistryUrl()}.
   *
   * @throws ConfigException naming {@value #SCHEMA_REGISTRY_URL} when it is not set
   */
  public String requireSchemaRegistryUrl() {
    if (schemaRegistryUrl == null) {
      throw new ConfigException(
          "Missing required configuration \""
              + SCHEMA_REGISTRY_URL
              + "\": the Avro serde needs the schema registry URL, for example"
              + " http://localhost:8081, or mock://<scope> for an in-memory registry");
    }
    return schemaRegistryUrl;
  }

  private static String url(Object value) {
    if (value instanceof Collection<?> urls) {
      return text(urls.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    return text(value);
  }

  private static String text(Object value) {
    if (value == null || String.valueOf(value).isBlank()) {
      return null;
    }
    return String.valueOf(value).strip();
  }

  private static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = String.valueOf(value).strip();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new ConfigException(key, value, "expected true or false");
  }

  private static long number(
      Map<String, ?> configs, String key, long defaultValue, String expected) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "expected " + expected);
    }
  }
}
