package dev.redrive.runner.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a process stream, keeping only its first and last bytes within a fixed budget, so a chatty
 * phase never fills the runner's memory.
 */
public final class BoundedOutput {

  private final int headLimit;
  private final int tailLimit;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final byte[] tail;
  private int tailStart;
  private int tailLength;
  private long total;

  public BoundedOutput(int limit) {
    this.headLimit = limit / 2;
    this.tailLimit = limit - headLimit;
    this.tail = new byte[tailLimit];
  }

  public void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) != -1) {
      for (int i = 0; i < read; i++) {
        add(buffer[i]);
      }
    }
  }

  private void add(byte b) {
    total++;
    if (head.size() < headLimit) {
      head.write(b);
      return;
    }
    if (tailLimit == 0) {
      return;
    }
    tail[(tailStart + tailLength) % tailLimit] = b;
    if (tailLength < tailLimit) {
      tailLength++;
    } else {
      tailStart = (tailStart + 1) % tailLimit;
    }
  }

  public String text() {
    StringBuilder text = new StringBuilder(head.toString(StandardCharsets.UTF_8));
    long skipped = total - head.size() - tailLength;
    if (skipped > 0) {
      text.append("\n[... ").append(skipped).append(" bytes omitted ...]\n");
    }
    byte[] ordered = new byte[tailLength];
    for (int i = 0; i < tailLength; i++) {
      ordered[i] = tail[(tailStart + i) % tailLimit];
    }
    return text.append(new String(ordered, StandardCharsets.UTF_8)).toString();
  }
}
