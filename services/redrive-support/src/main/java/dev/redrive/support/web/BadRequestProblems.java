package dev.redrive.support.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Bad input answered as what it is, in every Redrive service: 400 (or 413, 415) problem details
 * that name the parameter or member and say what to change, instead of Spring's defaults (a 500 for
 * a constraint on a parameter, "Failed to read request" for a body). Each problem has the extra
 * member {@code field} (or {@code parameter}) where one is to blame.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
public class BadRequestProblems {

  private static final String TYPE = "https://redrive.dev/problems/";

  /** The problem document of a body over the limit, for writers outside Spring MVC. */
  static String tooLargeJson(long limit, String path) {
    return ("{\"type\":\"%sbody-too-large\",\"title\":\"Request body too large\",\"status\":413,"
            + "\"detail\":\"%s\",\"limit\":%d,\"setting\":\"%s\"}")
        .formatted(
            TYPE,
            new RequestTooLargeException(limit).getMessage(),
            limit,
            RequestLimitsProperties.MAX_REQUEST_BYTES);
  }

  @ExceptionHandler(InvalidFieldException.class)
  ResponseEntity<ProblemDetail> invalidField(InvalidFieldException e) {
    return field(e.field(), e.getMessage());
  }

  @ExceptionHandler(RequestTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(RequestTooLargeException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large", e.getMessage());
    problem.setType(URI.create(TYPE + "body-too-large"));
    problem.setProperty("limit", e.limit());
    problem.setProperty("setting", RequestLimitsProperties.MAX_REQUEST_BYTES);
    return answer(problem);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    RequestTooLargeException tooLarge = causeOf(e, RequestTooLargeException.class);
    if (tooLarge != null) {
      return tooLarge(tooLarge);
    }
    JacksonException json = causeOf(e, JacksonException.class);
    String path = json == null ? "" : path(json);
    if (json instanceof UnrecognizedPropertyException unknown) {
      return field(
          path,
          "Member '%s' is not known here: remove it or correct its name (known members: %s)."
              .formatted(
                  path,
                  unknown.getKnownPropertyIds() == null
                      ? "none"
                      : unknown.getKnownPropertyIds().stream()
                          .map(String::valueOf)
                          .sorted()
                          .collect(Collectors.joining(", "))));
    }
    if (!path.isEmpty()) {
      return field(
          path,
          "Member '%s' has a value that cannot be read: %s"
              .formatted(path, firstLine(json.getOriginalMessage())));
    }
    String detail =
        json != null
            ? "The request body is not valid JSON: " + firstLine(json.getOriginalMessage())
            : "The request body is missing or cannot be read.";
    return answer(problem(HttpStatus.BAD_REQUEST, "Unreadable request body", detail));
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e) {
    return parameter(
        e.getParameterName(),
        "Query parameter '%s' (%s) is required."
            .formatted(e.getParameterName(), e.getParameterType()));
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
    Class<?> type = e.getRequiredType();
    return parameter(
        e.getName(),
        "Parameter '%s' must be %s, was '%s'."
            .formatted(e.getName(), describe(type), String.valueOf(e.getValue())));
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ProblemDetail> invalidBody(MethodArgumentNotValidException e) {
    List<FieldError> errors = e.getBindingResult().getFieldErrors();
    if (errors.isEmpty()) {
      return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage()));
    }
    FieldError first = errors.get(0);
    return field(
        first.getField(),
        errors.stream()
            .map(
                error ->
                    "'%s' %s, was %s"
                        .formatted(
                            error.getField(),
                            error.getDefaultMessage(),
                            String.valueOf(error.getRejectedValue())))
            .collect(Collectors.joining("; ")));
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e) {
    List<ConstraintViolation<?>> violations = List.copyOf(e.getConstraintViolations());
    if (violations.isEmpty()) {
      return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage()));
    }
    String name = leaf(violations.get(0).getPropertyPath());
    return parameter(
        name,
        violations.stream()
            .map(
                v ->
                    "'%s' %s, was %s"
                        .formatted(leaf(v.getPropertyPath()), v.getMessage(), v.getInvalidValue()))
            .collect(Collectors.joining("; ")));
  }

  @ExceptionHandler(HandlerMethodValidationException.class)
  ResponseEntity<ProblemDetail> handlerValidation(HandlerMethodValidationException e) {
    var results = e.getParameterValidationResults();
    if (results.isEmpty()) {
      return answer(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage()));
    }
    var first = results.get(0);
    String name = first.getMethodParameter().getParameterName();
    return parameter(
        name,
        "'%s' %s, was %s"
            .formatted(
                name, first.getResolvableErrors().get(0).getDefaultMessage(), first.getArgument()));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
    ProblemDetail problem =
        problem(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            "Content-Type %s is not accepted here; send %s."
                .formatted(
                    e.getContentType() == null ? "(none)" : e.getContentType(),
                    MediaType.toString(e.getSupportedMediaTypes())));
    problem.setProperty("supported", MediaType.toString(e.getSupportedMediaTypes()));
    HttpHeaders headers = new HttpHeaders();
    headers.setAccept(e.getSupportedMediaTypes());
    return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
        .headers(headers)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static ResponseEntity<ProblemDetail> field(String field, String detail) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid field", detail);
    problem.setProperty("field", field);
    return answer(problem);
  }

  private static ResponseEntity<ProblemDetail> parameter(String parameter, String detail) {
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid parameter", detail);
    problem.setProperty("field", parameter);
    problem.setProperty("parameter", parameter);
    return answer(problem);
  }

  private static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return problem;
  }

  private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String leaf(Path path) {
    String name = "";
    for (Path.Node node : path) {
      if (node.getName() != null) {
        name = node.getName();
      }
    }
    return name;
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.getSimpleName().equals("Instant")) {
      return "an ISO-8601 instant such as 2026-11-23T00:00:00Z";
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
    }
    return "a " + type.getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.lines().findFirst().orElse("").strip();
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }
}
