package dev.redrive.support.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.support.pack.PackedBytes.UnreadableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedBytesTest {

  @Test
  void unpacksThePartsInTheirOrderEmptyOnesIncluded() {
    List<byte[]> payloads = List.of(bytes("first"), new byte[0], bytes("third, longer"));

    List<byte[]> unpacked = PackedBytes.unpack(PackedBytes.pack(payloads));

    assertThat(unpacked).hasSize(3);
    for (int i = 0; i < payloads.size(); i++) {
      assertThat(unpacked.get(i)).isEqualTo(payloads.get(i));
    }
    assertThat(PackedBytes.unpack(PackedBytes.pack(List.of()))).isEmpty();
  }

  @Test
  void keepsAFractionOfTheBytesOfEventsThatRepeatTheirContext() {
    String context =
        "{\"executionId\":\"exec-42\",\"phase\":\"build\",\"previousAttempts\":[{\"error\":"
            + "\"EXIT_CRITERIA_NOT_MET: tests failed\",\"checks\":[\"unit\",\"lint\"]}]}";
    List<byte[]> payloads =
        List.of(bytes("RetryCommand " + context), bytes("RetryContextAssembled " + context));
    int plain = payloads.stream().mapToInt(p -> p.length).sum();

    byte[] packed = PackedBytes.pack(payloads);

    assertThat(packed.length).isLessThan(plain * 2 / 3);
  }

  @Test
  void packsBytesThatDoNotCompressWithLittleOverhead() {
    byte[] random = new byte[50_000];
    new Random(7).nextBytes(random);

    byte[] packed = PackedBytes.pack(List.of(random));

    assertThat(packed.length).isLessThan(random.length + random.length / 100 + 32);
    assertThat(PackedBytes.unpack(packed).get(0)).isEqualTo(random);
  }

  @Test
  void packsEachValueWhole_whenValuesOfEverySizeFollowEachOtherOnOneThread() {
    // the buffers are kept between values: smaller, larger, past what is kept, smaller again
    Random random = new Random(11);
    for (int size : new int[] {10, 20_000, 5, 2_000_000, 300, 70_000, 1}) {
      byte[] part = new byte[size];
      random.nextBytes(part);
      List<byte[]> parts = List.of(part, bytes("tail " + size));

      List<byte[]> unpacked = PackedBytes.unpack(PackedBytes.pack(parts));

      assertThat(unpacked.get(0)).isEqualTo(part);
      assertThat(unpacked.get(1)).isEqualTo(parts.get(1));
    }
  }

  @Test
  void refusesAValueOfAnotherFormatADamagedBlockOrAnImpossibleLength() {
    byte[] packed = PackedBytes.pack(List.of(bytes("a payload that is long enough to compress")));

    byte[] otherVersion = packed.clone();
    otherVersion[0] = 9;
    assertThatThrownBy(() -> PackedBytes.unpack(otherVersion))
        .isInstanceOf(UnreadableException.class)
        .hasMessageContaining("version byte 9");

    byte[] cut = Arrays.copyOf(packed, packed.length - 3);
    assertThatThrownBy(() -> PackedBytes.unpack(cut)).isInstanceOf(UnreadableException.class);

    byte[] huge = packed.clone();
    ByteBuffer.wrap(huge, 1, Integer.BYTES).putInt(PackedBytes.MAX_UNPACKED_BYTES + 1);
    assertThatThrownBy(() -> PackedBytes.unpack(huge))
        .isInstanceOf(UnreadableException.class)
        .hasMessageContaining("out of range");

    assertThatThrownBy(() -> PackedBytes.unpack(new byte[0]))
        .isInstanceOf(UnreadableException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void unpacksADamagedValueToItsPartsOrRefusesIt_neverReadingOrWritingPastItsArrays() {
    Random random = new Random(42);
    byte[] packed =
        PackedBytes.pack(
            List.of(
                bytes("{\"executionId\": \"exec-1\", \"phase\": \"build\", \"attempt\": 1}"),
                bytes("{\"executionId\": \"exec-1\", \"phase\": \"build\", \"attempt\": 2}")));
    for (int i = 0; i < 5_000; i++) {
      byte[] damaged = packed.clone();
      // the block only: the header has its own checks
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        int at = 5 + random.nextInt(damaged.length - 5);
        damaged[at] = (byte) random.nextInt(256);
      }
      byte[] cut = Arrays.copyOf(damaged, 5 + random.nextInt(damaged.length - 4));
      for (byte[] value : List.of(damaged, cut)) {
        try {
          assertThat(PackedBytes.unpack(value)).isNotNull();
        } catch (UnreadableException refused) {
          assertThat(refused).hasMessageStartingWith("the packed value cannot be read");
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
