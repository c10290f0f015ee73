package dev.redrive.support.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of field limit: what passes, and what the refusal says. */
class InputLimitsTest {

  private final InputLimits limits = InputLimits.defaults();

  @Test
  void shouldAcceptTheIdsRedriveAndOtherSystemsUse() {
    for (String id :
        new String[] {
          "exec_1a2b3c4d5e6f",
          "6f1c1f7e-4c1b-4a59-9d36-0b1a5c1d2e3f",
          "billing:redrive.failures-2@17",
          "A.b_c-d",
          "x".repeat(128)
        }) {
      assertThatCode(() -> limits.id("executionId", id)).doesNotThrowAnyException();
    }
    assertThatCode(() -> limits.id("correlationId", null)).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseAnIdWithANewlineNamingTheFieldAndTheCharsetButNotTheValue() {
    assertThatThrownBy(() -> limits.id("eventId", "evt-1\nid: forged"))
        .isInstanceOfSatisfying(
            FieldLimitException.class,
            e -> {
              assertThat(e.field()).isEqualTo("eventId");
              assertThat(e.tooLarge()).isFalse();
              assertThat(e.rule()).isEqualTo("charset");
              assertThat(e.getMessage())
                  .startsWith("eventId: character U+000A at index 5 is not allowed")
                  .contains("A-Z a-z 0-9 . _ : @ -")
                  .doesNotContain("forged");
            });
  }

  @Test
  void shouldRefuseAnEmptyALongAndADotDotId() {
    assertThatThrownBy(() -> limits.id("requestId", "")).hasMessageStartingWith("requestId: empty");
    assertThatThrownBy(() -> limits.id("requestId", "r".repeat(129)))
        .hasMessageStartingWith("requestId: 129 characters, at most 128");
    assertThatThrownBy(() -> limits.id("executionId", "..")).hasMessageContaining("'..'");
    assertThatThrownBy(() -> limits.id("executionId", "a/b")).hasMessageContaining("U+002F");
  }

  @Test
  void shouldRefuseEveryCharacterOutsideTheIdCharsetAtItsIndex() {
    String allowed = "ABCXYZabcxyz0189._:@-";
    assertThatCode(() -> limits.id("executionId", allowed)).doesNotThrowAnyException();
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("ab cd", "character U+0020 at index 2");
    refused.put("abc/", "character U+002F at index 3");
    refused.put("é", "character U+00E9 at index 0");
    refused.put("a[b", "character U+005B at index 1");
    refused.put("x`", "character U+0060 at index 1");
    refused.put("id\uD83D\uDE00", "character U+1F600 at index 2");
    refused.forEach(
        (id, message) ->
            assertThatThrownBy(() -> limits.id("executionId", id))
                .as(id)
                .hasMessageStartingWith("executionId: " + message));
  }

  @Test
  void shouldRefuseAParameterOverItsSizeAs413WithTheSettingToChange() {
    Map<String, String> parameters = Map.of("target", "x".repeat(1_200_000));

    assertThatThrownBy(() -> limits.parameters("parameters", parameters))
        .isInstanceOfSatisfying(
            FieldLimitException.class,
            e -> {
              assertThat(e.tooLarge()).isTrue();
              assertThat(e.field()).isEqualTo("parameters.target");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "parameters.target: 1,200,000 bytes, at most 65,536"
                          + " (redrive.limits.max-parameter-bytes); send less or raise the"
                          + " setting");
            });
  }

  @Test
  void shouldCountUtf8BytesNotCharacters() {
    // 30,000 characters of three bytes each: 90,000 bytes
    Map<String, String> parameters = Map.of("greeting", "€".repeat(30_000));

    assertThatThrownBy(() -> limits.parameters("parameters", parameters))
        .hasMessageStartingWith("parameters.greeting: 90,000 bytes");
    assertThat(InputLimits.utf8Length("a€\uD83D\uDE00")).isEqualTo(1 + 3 + 4);
  }

  @Test
  void shouldRefuseTooManyParametersABadNameANullValueAndTooMuchTogether() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      many.put("p" + i, "v");
    }
    assertThatThrownBy(() -> limits.parameters("parameters", many))
        .hasMessage(
            "parameters: 65 entries, at most 64 (redrive.limits.max-parameters); send fewer");

    assertThatThrownBy(() -> limits.parameters("parameters", Map.of("a\nb", "v")))
        .hasMessageStartingWith("parameters: the name of parameter 0 is not");

    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("target", null);
    assertThatThrownBy(() -> limits.parameters("parameters", nullValue))
        .hasMessageStartingWith("parameters.target: null");

    Map<String, String> together = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      together.put("p" + i, "x".repeat(60_000));
    }
    assertThatThrownBy(() -> limits.parameters("parameters", together))
        .hasMessageStartingWith("parameters: 300,010 bytes, at most 262,144");
  }

  @Test
  void shouldRefuseANoteOverItsLimitAndTextWithNul() {
    assertThatThrownBy(() -> limits.note("note", "n".repeat(600_000)))
        .hasMessageStartingWith(
            "note: 600,000 bytes, at most 16,384 (redrive.limits.max-note-bytes)");
    assertThatThrownBy(() -> limits.text("errorMessage", "bad\0byte"))
        .hasMessageStartingWith("errorMessage: NUL character at index 3");
    assertThatCode(() -> limits.text("errorMessage", "two\nlines")).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseANameWithAControlCharacterOrTooLong() {
    assertThatThrownBy(() -> limits.name("requestedBy", "alice\r\nINFO forged"))
        .hasMessageStartingWith("requestedBy: control character U+000D at index 5");
    assertThatThrownBy(() -> limits.name("phase", "p".repeat(257)))
        .hasMessageStartingWith("phase: 257 characters, at most 256");
    assertThatCode(() -> limits.name("requestedBy", "Zoë O'Brien")).doesNotThrowAnyException();
  }
}
