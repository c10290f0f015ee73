package dev.redrive.support.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A bearer token, kept as its SHA-256 digest so that every comparison takes the same time whatever
 * the length or content of what a caller sent. {@link #toString()} never shows it.
 */
public final class ApiToken {

  /** Longest token accepted in a setting or in an {@code Authorization} header. */
  public static final int MAX_LENGTH = 512;

  private final byte[] digest;

  private ApiToken(byte[] digest) {
    this.digest = digest;
  }

  /** The token of a setting; blank = none (null). */
  static ApiToken ofSetting(String value) {
    return value == null || value.isBlank() ? null : new ApiToken(digest(value.strip()));
  }

  /** Whether a presented token (as {@link #digest(String)}) is this one, in constant time. */
  boolean matches(byte[] presented) {
    return MessageDigest.isEqual(digest, presented);
  }

  boolean sameAs(ApiToken other) {
    return other != null && matches(other.digest);
  }

  static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiToken[****]";
  }
}
