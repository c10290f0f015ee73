package dev.redrive.coordinator.domain.whatif;

import java.util.random.RandomGenerator;

/**
 * A "random" source that always draws the middle of the range it is asked for: full jitter's
 * uniform draw from {@code [0, backoff]} becomes {@code backoff / 2}, its expected value. A what-if
 * reports expected delays, so two runs over the same history agree.
 */
final class MeanDraw implements RandomGenerator {

  static final MeanDraw INSTANCE = new MeanDraw();

  private MeanDraw() {}

  @Override
  public long nextLong() {
    return 0;
  }

  @Override
  public long nextLong(long bound) {
    return (bound - 1) / 2;
  }

  @Override
  public long nextLong(long origin, long bound) {
    return origin + (bound - 1 - origin) / 2;
  }

  @Override
  public int nextInt(int bound) {
    return (bound - 1) / 2;
  }

  @Override
  public int nextInt(int origin, int bound) {
    return origin + (bound - 1 - origin) / 2;
  }

  @Override
  public double nextDouble() {
    return 0.5;
  }
}
