package dev.redrive.local.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who may use the local schema registry. Without a write token it is open (one machine, one person,
 * loopback only). With one, a request must carry it, as {@code Authorization: Bearer <token>} or
 * HTTP basic with the token as the password (Confluent's {@code
 * basic.auth.credentials.source=USER_INFO}, {@code basic.auth.user.info=<any name>:<token>}); a
 * read token, when set, also opens the GET requests.
 *
 * @param writeToken the token of every request, or empty for an open registry
 * @param readToken a token that opens GET requests only, or empty
 */
public record RegistryAccess(String writeToken, String readToken) {

  public static final RegistryAccess OPEN = new RegistryAccess("", "");

  public RegistryAccess {
    writeToken = writeToken == null ? "" : writeToken;
    readToken = readToken == null ? "" : readToken;
  }

  /** Whether anything is asked for. */
  public boolean open() {
    return writeToken.isEmpty();
  }

  /**
   * @throws RegistryError 401 when the request lacks the token it needs
   */
  void check(String method, String authorization) {
    if (open()) {
      return;
    }
    String presented = presented(authorization);
    if (matches(presented, writeToken)
        || ("GET".equals(method) && !readToken.isEmpty() && matches(presented, readToken))) {
      return;
    }
    throw new RegistryError(
        401,
        40101,
        "Unauthorized: send the token as 'Authorization: Bearer <token>' or as the password of"
            + " basic.auth.user.info");
  }

  private static String presented(String authorization) {
    if (authorization == null) {
      return "";
    }
    if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).strip();
    }
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String userInfo =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? "" : userInfo.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }
    return "";
  }

  private static boolean matches(String presented, String token) {
    return MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }
}
