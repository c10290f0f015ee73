package dev.redrive.audit.app;

import java.util.HashMap;
import java.util.Map;

/**
 * Who may open one more live stream: at most {@code maxClients} in all and {@code
 * maxClientsPerAddress} from one client address. Each admitted stream is released once.
 */
public final class StreamAdmission {

  /** The answer to a client that wants a stream. */
  public enum Verdict {
    ADMITTED,
    /** this address has as many streams open as it may */
    TOO_MANY_FROM_ADDRESS,
    /** the instance has as many streams open as it may */
    TOO_MANY_IN_ALL
  }

  private final int maxClients;
  private final int maxClientsPerAddress;
  // guarded by this
  private final Map<String, Integer> open = new HashMap<>();
  private int total;

  public StreamAdmission(int maxClients, int maxClientsPerAddress) {
    this.maxClients = maxClients;
    this.maxClientsPerAddress = maxClientsPerAddress;
  }

  /** Takes a place for a stream from {@code address} when there is one. */
  public synchronized Verdict admit(String address) {
    int fromAddress = open.getOrDefault(address, 0);
    if (fromAddress >= maxClientsPerAddress) {
      return Verdict.TOO_MANY_FROM_ADDRESS;
    }
    if (total >= maxClients) {
      return Verdict.TOO_MANY_IN_ALL;
    }
    open.put(address, fromAddress + 1);
    total++;
    return Verdict.ADMITTED;
  }

  /** Gives back the place of an admitted stream from {@code address}. */
  public synchronized void release(String address) {
    Integer fromAddress = open.get(address);
    if (fromAddress == null) {
      return;
    }
    if (fromAddress <= 1) {
      open.remove(address);
    } else {
      open.put(address, fromAddress - 1);
    }
    total--;
  }

  /** Streams open now. */
  public synchronized int open() {
    return total;
  }

  public int maxClients() {
    return maxClients;
  }

  public int maxClientsPerAddress() {
    return maxClientsPerAddress;
  }
}
