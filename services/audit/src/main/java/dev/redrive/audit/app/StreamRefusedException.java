package dev.redrive.audit.app;

/** A client may not open one more live stream now; it may try again later. */
public class StreamRefusedException extends RuntimeException {

  private final StreamAdmission.Verdict verdict;
  private final int limit;

  public StreamRefusedException(StreamAdmission.Verdict verdict, int limit, String message) {
    super(message);
    this.verdict = verdict;
    this.limit = limit;
  }

  public StreamAdmission.Verdict verdict() {
    return verdict;
  }

  public int limit() {
    return limit;
  }
}
