package dev.redrive.runner.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedOutputTest {

  private static String keep(int limit, String text) throws IOException {
    BoundedOutput output = new BoundedOutput(limit);
    output.drain(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    return output.text();
  }

  @Test
  void shouldKeepOutputUnderTheLimitAsItIs() throws IOException {
    // when
    String kept = keep(16, "hello\nworld\n");

    // then
    assertThat(kept).isEqualTo("hello\nworld\n");
  }

  @Test
  void shouldKeepOutputOfExactlyTheLimitWithoutAMarker() throws IOException {
    // when
    String kept = keep(10, "0123456789");

    // then
    assertThat(kept).isEqualTo("0123456789");
  }

  @Test
  void shouldKeepNothingForEmptyOutput() throws IOException {
    // when
    String kept = keep(10, "");

    // then
    assertThat(kept).isEmpty();
  }

  @Test
  void shouldKeepTheHeadAndTheTailAndCountWhatItDropped() throws IOException {
    // when
    String kept = keep(4, "abcdefghij");

    // then
    assertThat(kept).isEqualTo("ab\n[... 6 bytes omitted ...]\nij");
  }

  @Test
  void shouldGiveTheTailTheExtraByteOfAnOddLimit() throws IOException {
    // when
    String kept = keep(5, "abcdefghij");

    // then
    assertThat(kept).isEqualTo("ab\n[... 5 bytes omitted ...]\nhij");
  }

  @Test
  void shouldKeepOnlyTheMarkerWithALimitOfZero() throws IOException {
    // when
    String kept = keep(0, "abcdefghij");

    // then
    assertThat(kept).isEqualTo("\n[... 10 bytes omitted ...]\n");
  }

  @Test
  void shouldKeepTheLastBytesInOrderAcrossManyReadBuffers() throws IOException {
    // given 100,000 bytes: far more than one 8 KiB read and than the ring of the tail
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 100_000; i++) {
      text.append(i).append(',');
    }
    String all = text.toString();

    // when
    String kept = keep(1_000, all);

    // then
    assertThat(kept)
        .isEqualTo(
            all.substring(0, 500)
                + "\n[... "
                + (all.length() - 1_000)
                + " bytes omitted ...]\n"
                + all.substring(all.length() - 500));
  }

  @Test
  void shouldDrainSeveralStreamsIntoOneBudget() throws IOException {
    // given
    BoundedOutput output = new BoundedOutput(6);

    // when
    output.drain(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)));
    output.drain(new ByteArrayInputStream("defgh".getBytes(StandardCharsets.UTF_8)));

    // then
    assertThat(output.text()).isEqualTo("abc\n[... 2 bytes omitted ...]\nfgh");
  }
}
