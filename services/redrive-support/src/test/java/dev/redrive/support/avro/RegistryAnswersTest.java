package dev.redrive.support.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegistryAnswersTest {

  private static final String URL = "http://registry:8081";
  private static final RegistryCall LOOKUP =
      new RegistryCall("look up a schema under subject 'orders-value'", "orders-value", null);

  @Test
  void shouldAnswerTheJsonObjectOfASuccess() {
    assertThat(RegistryAnswers.answer(URL, 200, "{\"id\": 7}", LOOKUP).path("id").asInt())
        .isEqualTo(7);
  }

  @Test
  void shouldRefuseASuccessThatIsNotAJsonObject() {
    assertThatThrownBy(() -> RegistryAnswers.answer(URL, 200, "[7]", LOOKUP))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "Schema registry at http://registry:8081: could not look up a schema under subject"
                + " 'orders-value': the answer is not a JSON object: [7] (200)");
  }

  @Test
  void shouldSayASchemaIsNotRegisteredUnderTheSubjectLookedIn() {
    String body = "{\"error_code\": 40403, \"message\": \"Schema not found\"}";

    assertThatThrownBy(() -> RegistryAnswers.answer(URL, 404, body, LOOKUP))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
        .hasMessage(
            "Schema registry at http://registry:8081: schema not registered under subject"
                + " 'orders-value' (404, error 40403)");
  }

  @Test
  void shouldQuoteTheBodyOfAJsonErrorWithoutAMessage() {
    assertThatThrownBy(() -> RegistryAnswers.answer(URL, 500, "{\"error_code\": 50001}", LOOKUP))
        .hasMessageEndingWith(": {\"error_code\": 50001} (500, error 50001)");
  }

  @Test
  void shouldSayAnErrorCameWithoutABody() {
    assertThatThrownBy(() -> RegistryAnswers.answer(URL, 503, null, LOOKUP))
        .hasMessageEndingWith(": empty answer (503)");
  }

  @Test
  void shouldCutALongQuote() {
    String quoted = RegistryAnswers.quote("  " + "x".repeat(400) + "\n");

    assertThat(quoted).isEqualTo("x".repeat(300) + "...");
    assertThat(RegistryAnswers.quote("x".repeat(300))).isEqualTo("x".repeat(300));
  }
}
