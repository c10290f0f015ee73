package dev.redrive.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Redrive's ACL table, {@code deploy/kafka/redrive-acls.txt} (the file {@code acls.sh} applies), as
 * the bindings an admin client creates: the test grants exactly what the documentation says.
 */
final class KafkaAcls {

  static final Path FILE = Path.of("../../deploy/kafka/redrive-acls.txt");

  private KafkaAcls() {}

  /** Every grant of the file, for any host. */
  static List<AclBinding> fromFile() {
    List<String> lines;
    try {
      lines = Files.readAllLines(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
    }
    List<AclBinding> bindings = new ArrayList<>();
    for (String line : lines) {
      String grant = line.strip();
      if (grant.isEmpty() || grant.startsWith("#")) {
        continue;
      }
      String[] f = grant.split("\\s+");
      if (f.length != 5) {
        throw new IllegalArgumentException(FILE + ": expected 5 fields in '" + grant + "'");
      }
      bindings.add(
          new AclBinding(
              new ResourcePattern(
                  ResourceType.valueOf(f[2]),
                  f[4],
                  PatternType.valueOf(f[3].toUpperCase(Locale.ROOT))),
              new AccessControlEntry(
                  f[0], "*", AclOperation.valueOf(f[1]), AclPermissionType.ALLOW)));
    }
    return bindings;
  }
}
