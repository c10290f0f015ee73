package dev.redrive.local.registry;

/**
 * An answer other than 200, in the Confluent Schema Registry's shape: the HTTP status and {@code
 * {"error_code": ..., "message": ...}}.
 */
public final class RegistryError extends RuntimeException {

  private final int status;
  private final int errorCode;

  public RegistryError(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  static RegistryError subjectNotFound(String subject) {
    return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
  }

  static RegistryError versionNotFound(String version) {
    return new RegistryError(404, 40402, "Version " + version + " not found.");
  }

  static RegistryError schemaNotFound(String what) {
    return new RegistryError(404, 40403, what + " not found");
  }

  static RegistryError invalidSchema(String why) {
    return new RegistryError(422, 42201, "Invalid schema: " + why);
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }
}
