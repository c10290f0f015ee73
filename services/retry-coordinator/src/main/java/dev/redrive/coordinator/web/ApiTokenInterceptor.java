package dev.redrive.coordinator.web;

import dev.redrive.coordinator.config.ApiToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Mutating API calls need {@code Authorization: Bearer <redrive.coordinator.api-token>}. */
@Configuration
class ApiTokenInterceptor implements HandlerInterceptor, WebMvcConfigurer {

  private final ApiToken token;

  ApiTokenInterceptor(ApiToken token) {
    this.token = token;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/api/**");
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (request.getMethod().equals("GET")
        || request.getMethod().equals("HEAD")
        || request.getMethod().equals("OPTIONS")
        || token.accepts(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      return true;
    }
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    response.setContentType("application/problem+json");
    response
        .getOutputStream()
        .write(
            ("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"This endpoint needs the header 'Authorization: Bearer <token>' with the"
                    + " coordinator's api token (redrive.coordinator.api-token).\",\"instance\":\""
                    + request.getRequestURI().replace("\"", "")
                    + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    return false;
  }
}
