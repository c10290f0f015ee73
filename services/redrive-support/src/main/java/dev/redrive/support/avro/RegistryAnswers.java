package dev.redrive.support.avro;

import static dev.redrive.support.avro.SchemaRegistryException.NO_ANSWER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the schema registry's answers are read: a success must be a JSON object, and an error becomes
 * a {@link SchemaRegistryException} that says what went wrong in the terms of the call (the
 * registry's {@code error_code} and {@code message} when it sent them, a quote of the answer when
 * it did not).
 */
final class RegistryAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUOTED_BODY = 300;

  private RegistryAnswers() {}

  /**
   * The answer's JSON object when the status is a success.
   *
   * @param url the registry that answered
   * @param text the answer's body, or null
   * @throws SchemaRegistryException when the status is not a success, or the answer not an object
   */
  static JsonNode answer(String url, int status, String text, RegistryCall call) {
    String body = text == null ? "" : text;
    JsonNode json = readJson(body);
    if (status >= 200 && status < 300) {
      if (json == null || !json.isObject()) {
        throw SchemaRegistryException.answered(
            url,
            "could not " + call.action() + ": the answer is not a JSON object: " + quote(body),
            status,
            NO_ANSWER);
      }
      return json;
    }
    int errorCode = NO_ANSWER;
    String message = quote(body);
    if (json != null && json.isObject()) {
      errorCode = json.path("error_code").asInt(NO_ANSWER);
      message = json.path("message").asText(message);
    }
    throw error(url, status, errorCode, message, call);
  }

  /** The answer's text, stripped and cut to a length fit for an error message. */
  static String quote(String body) {
    String text = body.strip();
    if (text.isEmpty()) {
      return "empty answer";
    }
    return text.length() <= MAX_QUOTED_BODY ? text : text.substring(0, MAX_QUOTED_BODY) + "...";
  }

  private static SchemaRegistryException error(
      String url, int status, int errorCode, String message, RegistryCall call) {
    String what;
    if (errorCode == SchemaRegistryException.SUBJECT_NOT_FOUND && call.subject() != null) {
      what = "subject '" + call.subject() + "' not found";
    } else if (errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND && call.id() != null) {
      what = "schema id " + call.id() + " not found";
    } else if (errorCode == SchemaRegistryException.SCHEMA_NOT_FOUND && call.subject() != null) {
      what = "schema not registered under subject '" + call.subject() + "'";
    } else if (status == 409) {
      what =
          "schema is incompatible with an earlier schema of subject '"
              + call.subject()
              + "': "
              + message;
    } else if (status == 422) {
      what = "invalid schema for subject '" + call.subject() + "': " + message;
    } else if (status == 401 || status == 403) {
      what = "not allowed to " + call.action() + " (check basic.auth.user.info): " + message;
    } else {
      what = "could not " + call.action() + ": " + message;
    }
    return SchemaRegistryException.answered(url, what, status, errorCode);
  }

  private static JsonNode readJson(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException notJson) {
      return null;
    }
  }
}
