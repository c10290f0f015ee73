package dev.redrive.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Three real local HTTP servers standing in for runner, coordinator and audit. */
abstract class AgainstFakeServices {

  @TempDir Path home;

  FakeService runner;
  FakeService coordinator;
  FakeService audit;
  Cli cli;

  @BeforeEach
  void startServices() throws IOException {
    runner = new FakeService();
    coordinator = new FakeService();
    audit = new FakeService();
    cli = new Cli(home).services(runner, coordinator, audit).env("USER", "alice");
  }

  @AfterEach
  void stopServices() {
    runner.close();
    coordinator.close();
    audit.close();
  }
}
