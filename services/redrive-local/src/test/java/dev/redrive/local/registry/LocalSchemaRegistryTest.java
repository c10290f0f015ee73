package dev.redrive.local.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.support.avro.RestSchemaRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over real HTTP on loopback, as a client in another process sees it. */
class LocalSchemaRegistryTest {

  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"Failure\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");

  @TempDir Path dir;

  @Test
  void shouldServeARestClientAndKeepItsIdsForTheNextStart() {
    int id;
    try (LocalSchemaRegistry registry =
        LocalSchemaRegistry.start(
            SchemaStore.open(dir.resolve("schemas.jsonl")), 0, RegistryAccess.OPEN)) {
      assertThat(registry.url()).startsWith("http://127.0.0.1:");
      id = new RestSchemaRegistryClient(registry.url()).register("t-value", SCHEMA);
    }
    try (LocalSchemaRegistry registry =
        LocalSchemaRegistry.start(
            SchemaStore.open(dir.resolve("schemas.jsonl")), 0, RegistryAccess.OPEN)) {
      RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
      assertThat(client.getById(id)).isEqualTo(SCHEMA);
      assertThat(client.lookup("t-value", SCHEMA)).isEqualTo(id);
      assertThat(client.latest("t-value").version()).isEqualTo(1);
    }
  }

  @Test
  void shouldRefuseABodyOverTheLimitAndARequestWithoutTheToken() throws Exception {
    try (LocalSchemaRegistry registry =
        LocalSchemaRegistry.start(
            SchemaStore.open(dir.resolve("schemas.jsonl")), 0, new RegistryAccess("s3cret", ""))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> tooBig =
          http.send(
              HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/t-value/versions"))
                  .header("Authorization", "Bearer s3cret")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "x".repeat(LocalSchemaRegistry.MAX_REQUEST_BYTES + 1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tooBig.statusCode()).isEqualTo(413);
      assertThat(tooBig.body()).contains("larger than 1048576 bytes");

      HttpResponse<String> noToken =
          http.send(
              HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(noToken.headers().firstValue("Content-Type"))
          .hasValue("application/vnd.schemaregistry.v1+json");

      RestSchemaRegistryClient client =
          new RestSchemaRegistryClient(registry.url(), "redrive:s3cret");
      assertThat(client.register("t-value", SCHEMA)).isEqualTo(1);
    }
  }
}
