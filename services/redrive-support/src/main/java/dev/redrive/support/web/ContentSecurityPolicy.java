package dev.redrive.support.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code Content-Security-Policy} a service sends with every response. The default loads
 * nothing and may not be framed; a service with a page declares its own bean, e.g. with the exact
 * inline stylesheets it uses.
 */
public record ContentSecurityPolicy(String value) {

  private static final String BASE =
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** Nothing may load, nothing may frame the response. */
  public static ContentSecurityPolicy strict() {
    return new ContentSecurityPolicy(BASE);
  }

  /** {@link #strict()}, but these exact inline {@code <style>} contents apply (SHA-256 hashes). */
  public static ContentSecurityPolicy withInlineStyles(String... styles) {
    String hashes =
        Stream.of(styles).map(s -> "'sha256-" + sha256(s) + "'").collect(Collectors.joining(" "));
    return new ContentSecurityPolicy(BASE + "; style-src " + hashes);
  }

  /**
   * The policy of a service with pages: {@link #strict()}, but these exact inline stylesheets and
   * scripts apply (SHA-256 hashes), scripts may open streams to the service itself ({@code
   * connect-src 'self'}, for EventSource), and forms may be sent to it ({@code form-action
   * 'self'}). Nothing else loads and nothing may frame the page.
   */
  public static ContentSecurityPolicy forPages(List<String> styles, List<String> scripts) {
    return new ContentSecurityPolicy(
        "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none';"
            + " connect-src 'self'; style-src "
            + hashes(styles)
            + "; script-src "
            + hashes(scripts));
  }

  private static String hashes(List<String> texts) {
    return texts.stream().map(s -> "'sha256-" + sha256(s) + "'").collect(Collectors.joining(" "));
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
