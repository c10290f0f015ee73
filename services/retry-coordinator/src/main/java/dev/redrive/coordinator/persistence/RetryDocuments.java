package dev.redrive.coordinator.persistence;

import dev.redrive.support.pack.PackedBytes;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a {@code retry_context} row written before V19 kept the context its command carried and why
 * the retry was made: both as JSON, packed into one value (column {@code packed_documents}, V17:
 * LZ4 keeps about two thirds of these 1.7 kB, and the row's WAL went from 2,177 to 1,616 bytes per
 * retry in the benchmark) or, in rows written before, as the text columns {@code context} and
 * {@code decision}.
 */
final class RetryDocuments {

  private RetryDocuments() {}

  /** The context's JSON: from the packed value when there is one, else the text column. */
  static String context(byte[] packed, String contextText) {
    return packed == null ? contextText : part(packed, 0);
  }

  /** The why's JSON, or null when the retry kept none. */
  static String decision(byte[] packed, String decisionText) {
    if (packed == null) {
      return decisionText;
    }
    String decision = part(packed, 1);
    return decision.isEmpty() ? null : decision;
  }

  private static String part(byte[] packed, int index) {
    List<byte[]> parts = PackedBytes.unpack(packed);
    if (parts.size() != 2) {
      throw new PackedBytes.UnreadableException(
          parts.size() + " parts where a retry's context and why are 2");
    }
    return new String(parts.get(index), StandardCharsets.UTF_8);
  }
}
