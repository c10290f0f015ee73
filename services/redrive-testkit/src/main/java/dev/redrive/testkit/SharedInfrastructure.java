package dev.redrive.testkit;

/** Holder of the per-JVM infrastructure (lazy, thread-safe by class initialisation). */
final class SharedInfrastructure {

  static final RedriveInfrastructure INSTANCE = startAndStopOnExit();

  private SharedInfrastructure() {}

  private static RedriveInfrastructure startAndStopOnExit() {
    RedriveInfrastructure infrastructure = RedriveInfrastructure.start();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(infrastructure::close, "redrive-infrastructure-stop"));
    return infrastructure;
  }
}
