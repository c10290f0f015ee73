package dev.redrive.support.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The read session of a browser: a person signs in once with a token (a form, so the token never
 * sits in a URL), and gets a cookie that lets that browser read for {@link #LIFETIME}. A browser
 * cannot send an {@code Authorization} header when it follows a link or opens an EventSource, so
 * this is how the read token works for the audit's pages.
 *
 * <p>The cookie is not the token: it is {@code v1.<expiry>.<HMAC-SHA256(key, expiry)>}, keyed with
 * the digest of the service's read token. It says only "this browser may read until then": it
 * grants reads and nothing else (a write always needs the bearer header), it expires by itself, and
 * changing the read token ends every session. Instances that share the read token accept each
 * other's cookies.
 */
public final class PageSession {

  /** The cookie's name. */
  public static final String COOKIE = "redrive_session";

  /** How long a session lasts after signing in. */
  public static final Duration LIFETIME = Duration.ofHours(8);

  /** Longest cookie value looked at; a real one is about 60 characters. */
  static final int MAX_LENGTH = 128;

  private static final String VERSION = "v1";

  private final SecretKeySpec key;

  PageSession(byte[] readTokenDigest) {
    this.key = new SecretKeySpec(readTokenDigest, "HmacSHA256");
  }

  /** A cookie value valid from {@code now} for {@link #LIFETIME}. */
  String issue(Instant now) {
    long expires = now.plus(LIFETIME).getEpochSecond();
    return VERSION + "." + expires + "." + sign(expires);
  }

  /** Whether the value is a session this key issued and it has not expired at {@code now}. */
  boolean valid(String value, Instant now) {
    if (value == null || value.length() > MAX_LENGTH) {
      return false;
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return false;
    }
    long expires;
    try {
      expires = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return false;
    }
    boolean signed =
        MessageDigest.isEqual(
            sign(expires).getBytes(StandardCharsets.US_ASCII),
            parts[2].getBytes(StandardCharsets.US_ASCII));
    return signed && now.getEpochSecond() < expires;
  }

  private String sign(long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] tag =
          mac.doFinal(
              ("redrive-page-session." + VERSION + "." + expires)
                  .getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "PageSession[****]";
  }
}
