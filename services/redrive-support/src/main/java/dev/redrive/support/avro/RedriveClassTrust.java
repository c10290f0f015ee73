package dev.redrive.support.avro;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Makes Avro trust the generated classes under {@code dev.redrive}, in addition to whatever it
 * trusts already (its defaults and {@code org.apache.avro.SERIALIZABLE_PACKAGES}).
 */
final class RedriveClassTrust {

  static final String TRUSTED_PREFIX = "dev.redrive.";

  private RedriveClassTrust() {}

  /** Wraps Avro's global class validator once; later calls change nothing. */
  static synchronized void install() {
    ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
    if (!(current instanceof TrustRedrive)) {
      ClassSecurityValidator.setGlobal(new TrustRedrive(current));
    }
  }

  private record TrustRedrive(ClassSecurityPredicate others) implements ClassSecurityPredicate {
    @Override
    public boolean isTrusted(Class<?> type) {
      return type.getName().startsWith(TRUSTED_PREFIX) || others.isTrusted(type);
    }

    @Override
    public void forbiddenClass(String className) {
      others.forbiddenClass(className);
    }
  }
}
