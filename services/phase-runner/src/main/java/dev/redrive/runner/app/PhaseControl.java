package dev.redrive.runner.app;

/**
 * Lets a running attempt be stopped from another thread (a cancel): whatever the attempt is doing
 * at that moment (a process group, an http exchange) registers how to stop it, and nothing new is
 * started afterwards.
 */
public final class PhaseControl {

  private boolean stopped;
  private Runnable stopAction;

  /** Registers how to stop what runs now; runs it at once when a stop was already asked for. */
  public void onStop(Runnable action) {
    boolean stopNow;
    synchronized (this) {
      stopAction = action;
      stopNow = stopped;
    }
    if (stopNow) {
      action.run();
    }
  }

  /** Forgets the registered action (what it stopped has ended). */
  public synchronized void clear() {
    stopAction = null;
  }

  /** Stops what runs now and whatever would be started next. */
  public void stop() {
    Runnable action;
    synchronized (this) {
      stopped = true;
      action = stopAction;
    }
    if (action != null) {
      action.run();
    }
  }

  public synchronized boolean stopped() {
    return stopped;
  }
}
