package dev.redrive.support.web;

import dev.redrive.support.limits.InputLimits;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Checks every path variable named {@code ...Id} ({@code executionId}, {@code eventId}, {@code
 * attemptId}) of every endpoint against the id rule of {@link InputLimits}, before the handler
 * runs: an id with a newline or a {@code ..} is answered 400 naming the path variable.
 */
class PathIdCheck implements HandlerInterceptor {

  private final InputLimits limits;

  PathIdCheck(InputLimits limits) {
    this.limits = limits;
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)
        instanceof Map<?, ?> variables) {
      variables.forEach(
          (name, value) -> {
            if (name.toString().endsWith("Id") && value != null) {
              limits.id(name.toString(), value.toString());
            }
          });
    }
    return true;
  }
}
