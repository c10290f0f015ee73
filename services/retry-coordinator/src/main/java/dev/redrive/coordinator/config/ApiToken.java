package dev.redrive.coordinator.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The bearer token of the mutating endpoints; empty = open (the local profile only). */
public record ApiToken(String value) {

  public boolean open() {
    return value.isBlank();
  }

  /** Whether an Authorization header carries this token (compared in constant time). */
  public boolean accepts(String authorizationHeader) {
    if (open()) {
      return true;
    }
    if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorizationHeader.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
  }
}
