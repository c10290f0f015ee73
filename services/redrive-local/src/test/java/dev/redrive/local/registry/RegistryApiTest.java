package dev.redrive.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paths and answers of Confluent's REST API that its serializer and deserializer use. */
class RegistryApiTest {

  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"Failure\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String BODY =
      "{\"schema\":" + quoted(SCHEMA) + ",\"schemaType\":\"AVRO\",\"references\":[]}";

  @TempDir Path dir;

  @Test
  void shouldRegisterLookUpAndServeBySubjectAndId() {
    RegistryApi api = new RegistryApi(SchemaStore.open(dir.resolve("schemas.jsonl")));

    // register, as KafkaAvroSerializer does
    assertThat(api.answer("POST", "/subjects/billing.failures-value/versions", BODY))
        .isEqualTo(new RegistryApi.Answer(200, "{\"id\":1}"));
    // look up by schema, by id, versions, latest
    assertThat(api.answer("POST", "/subjects/billing.failures-value", BODY).body())
        .contains("\"subject\":\"billing.failures-value\",\"version\":1,\"id\":1");
    assertThat(api.answer("GET", "/schemas/ids/1", "").body()).startsWith("{\"schema\":\"{");
    assertThat(api.answer("GET", "/schemas/ids/1/versions", "").body())
        .isEqualTo("[{\"subject\":\"billing.failures-value\",\"version\":1}]");
    assertThat(api.answer("GET", "/schemas/ids/1/subjects", "").body())
        .isEqualTo("[\"billing.failures-value\"]");
    assertThat(api.answer("GET", "/subjects", "").body()).isEqualTo("[\"billing.failures-value\"]");
    assertThat(api.answer("GET", "/subjects/billing.failures-value/versions", "").body())
        .isEqualTo("[1]");
    assertThat(api.answer("GET", "/subjects/billing.failures-value/versions/latest", "").body())
        .contains("\"version\":1,\"id\":1");
    assertThat(
            api.answer(
                    "POST", "/compatibility/subjects/billing.failures-value/versions/latest", BODY)
                .body())
        .isEqualTo("{\"is_compatible\":true}");
    assertThat(api.answer("GET", "/config", "").body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(api.answer("GET", "/schemas/types", "").body()).isEqualTo("[\"AVRO\"]");
  }

  @Test
  void shouldAnswerErrorsInConfluentsShape() {
    RegistryApi api = new RegistryApi(SchemaStore.open(dir.resolve("schemas.jsonl")));
    assertThat(answerTo(api, "GET", "/schemas/ids/99", ""))
        .isEqualTo(
            new RegistryApi.Answer(
                404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}"));
    assertThat(answerTo(api, "GET", "/schemas/ids/12345678901", "").status()).isEqualTo(404);
    assertThat(answerTo(api, "POST", "/subjects/s/versions", "{\"schema\":1}").body())
        .contains("42201", "no string field 'schema'");
    assertThat(
            answerTo(
                    api,
                    "POST",
                    "/subjects/s/versions",
                    "{\"schema\":\"{}\",\"schemaType\":\"JSON\"}")
                .body())
        .contains("keeps AVRO only");
    assertThat(answerTo(api, "DELETE", "/subjects/s", "").status()).isEqualTo(405);
    assertThat(answerTo(api, "GET", "/nothing", "").status()).isEqualTo(404);
  }

  @Test
  void shouldAskForTheTokenWhenOneIsSet() {
    RegistryAccess access = new RegistryAccess("write-me", "read-me");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("anyone:write-me".getBytes(StandardCharsets.UTF_8));

    access.check("POST", "Bearer write-me");
    access.check("POST", basic);
    access.check("GET", "Bearer read-me");
    assertThatThrownBy(() -> access.check("POST", "Bearer read-me"))
        .satisfies(e -> assertThat(((RegistryError) e).status()).isEqualTo(401));
    assertThatThrownBy(() -> access.check("GET", null))
        .hasMessageContaining("Authorization: Bearer <token>");
    RegistryAccess.OPEN.check("POST", null);
  }

  private static RegistryApi.Answer answerTo(
      RegistryApi api, String method, String path, String body) {
    try {
      return api.answer(method, path, body);
    } catch (RegistryError e) {
      return RegistryApi.error(e);
    }
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\\\"") + "\"";
  }
}
