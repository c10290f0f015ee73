package dev.redrive.support.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

  @Test
  void shouldUseConfluentDefaultsWhenOnlyTheUrlIsSet() {
    AvroSerdeConfig config =
        AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081"));

    assertThat(config)
        .isEqualTo(
            new AvroSerdeConfig(
                "http://registry:8081",
                true,
                false,
                false,
                null,
                Duration.ofSeconds(-1),
                AvroSerdeConfig.DEFAULT_MAX_RESPONSE_BYTES));
  }

  @Test
  void shouldReadEverySettingFromStringsOrTypedValues() {
    AvroSerdeConfig config =
        AvroSerdeConfig.from(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, List.of("http://a:8081", "http://b:8081"),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                AvroSerdeConfig.USE_LATEST_VERSION, true,
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "TRUE",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "user:secret",
                AvroSerdeConfig.LATEST_CACHE_TTL_SEC, "30",
                AvroSerdeConfig.MAX_RESPONSE_BYTES, "4096"));

    assertThat(config)
        .isEqualTo(
            new AvroSerdeConfig(
                "http://a:8081,http://b:8081",
                false,
                true,
                true,
                "user:secret",
                Duration.ofSeconds(30),
                4096));
  }

  @Test
  void shouldNameTheKeyOfAValueThatIsNotABoolean() {
    assertThatThrownBy(
            () -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("specific.avro.reader")
        .hasMessageContaining("expected true or false");
  }

  @Test
  void shouldPickTheClientByUrl() {
    assertThat(
            SchemaRegistryClients.create(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081")))
        .isInstanceOf(RestSchemaRegistryClient.class);
    assertThat(
            SchemaRegistryClients.create(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://serde-config-test")))
        .isSameAs(InMemorySchemaRegistry.forScope("serde-config-test"));
    InMemorySchemaRegistry.dropScope("serde-config-test");
  }

  @Test
  void shouldNameTheKeyOfAnInvalidUrl() {
    assertThatThrownBy(
            () ->
                SchemaRegistryClients.create(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "registry:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("registry:8081");
    assertThatThrownBy(() -> SchemaRegistryClients.create(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Missing required configuration \"schema.registry.url\"");
  }
}
