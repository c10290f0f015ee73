package dev.redrive.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyTemplateTest {

  @Test
  void shouldInsertValuesJsonEscapedSoTheyCannotChangeTheBodysShape() {
    String body =
        BodyTemplate.render(
            "{\"who\": \"${input.who}\", \"n\": ${attempt}}",
            Map.of("input.who", "a\"b\\c\nd", "attempt", "2"),
            null);

    assertThat(body).isEqualTo("{\"who\": \"a\\\"b\\\\c\\nd\", \"n\": 2}");
  }

  @Test
  void shouldInsertTheContextAsJsonOrNull() {
    assertThat(BodyTemplate.render("{\"c\": ${context}}", Map.of(), "{\"guidance\":\"x\"}"))
        .isEqualTo("{\"c\": {\"guidance\":\"x\"}}");
    assertThat(BodyTemplate.render("{\"c\": ${context}}", Map.of(), null))
        .isEqualTo("{\"c\": null}");
  }

  @Test
  void shouldEscapeControlCharacters() {
    assertThat(BodyTemplate.jsonEscape("a\u0001b\tc")).isEqualTo("a\\u0001b\\tc");
  }

  @Test
  void shouldNameUnknownPlaceholders() {
    assertThat(
            BodyTemplate.unknownPlaceholders(
                "${phase} ${input.who} ${input.other} ${secret}", List.of("who")))
        .containsExactly("input.other", "secret");
  }

  @Test
  void shouldBuildADefaultBodyWithEveryBuiltInAndDeclaredInput() {
    Phase phase =
        new Phase(
            "notify",
            new HttpSpec(
                java.net.URI.create("http://localhost/h"),
                "POST",
                Map.of(),
                null,
                Duration.ofSeconds(1)),
            List.of(),
            List.of(),
            List.of(),
            List.of("who", "region"),
            null,
            null);

    String template = BodyTemplate.defaultFor(phase);

    assertThat(BodyTemplate.unknownPlaceholders(template, phase.inputs())).isEmpty();
    assertThat(
            BodyTemplate.render(
                template,
                Map.of(
                    "execution.id", "exec_1",
                    "pipeline", "p",
                    "phase", "notify",
                    "attempt", "1",
                    "maxAttempts", "2",
                    "input.who", "me",
                    "input.region", "eu"),
                null))
        .isEqualTo(
            "{\"executionId\": \"exec_1\", \"pipeline\": \"p\", \"phase\": \"notify\","
                + " \"attempt\": 1, \"maxAttempts\": 2, \"inputs\": {\"who\": \"me\","
                + " \"region\": \"eu\"}, \"context\": null}");
  }
}
