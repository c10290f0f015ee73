package dev.redrive.support.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Browser protections on every response: the service's {@link ContentSecurityPolicy}, no MIME
 * sniffing, no framing, no referrer.
 */
public final class SecurityHeadersFilter extends OncePerRequestFilter {

  private final ContentSecurityPolicy policy;

  public SecurityHeadersFilter(ContentSecurityPolicy policy) {
    this.policy = policy;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("Content-Security-Policy", policy.value());
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    chain.doFilter(request, response);
  }
}
