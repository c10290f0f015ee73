package dev.redrive.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Redrive service (its real main class) in a JVM of its own, so that it can be killed the way a
 * machine dies: no shutdown hook, no clean close of consumers, producers or transactions. Restarts
 * keep the port and settings; the output of every run goes to one log file.
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final String name;
  private final String mainClass;
  private final Map<String, String> properties;
  private final Path log;
  private final int port;
  private Process process;
  private int starts;

  ServiceProcess(String name, String mainClass, Map<String, String> properties, Path logDir) {
    this.name = name;
    this.mainClass = mainClass;
    this.port = ChildProcesses.freePort();
    this.properties = new LinkedHashMap<>(properties);
    this.properties.put("server.port", String.valueOf(port));
    this.properties.put("spring.main.banner-mode", "off");
    this.properties.putIfAbsent("spring.profiles.active", "local");
    this.log = logDir.resolve(name + ".log");
  }

  /** Launches the process without waiting for it. */
  ServiceProcess launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> args = new ArrayList<>();
    properties.forEach((key, value) -> args.add("--" + key + "=" + value));
    starts++;
    process =
        ChildProcesses.launch(
            List.of("-Xmx384m", "-Dredrive.faults.service=" + name), mainClass, args, log);
    return this;
  }

  /** Waits until {@code /actuator/health/readiness} answers 200. */
  ServiceProcess awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ":\n" + ChildProcesses.tail(log, 40));
      }
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return this;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    throw new IllegalStateException(
        name + " not ready after " + READY_TIMEOUT + ":\n" + ChildProcesses.tail(log, 40));
  }

  ServiceProcess start() {
    return launch().awaitReady();
  }

  /** SIGKILL, as when the machine or the container dies. */
  void kill() {
    ChildProcesses.kill(process);
  }

  /** SIGTERM: a clean shutdown (consumers leave the group). */
  void stop() {
    ChildProcesses.stop(process);
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  int port() {
    return port;
  }

  int starts() {
    return starts;
  }

  String name() {
    return name;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      ChildProcesses.kill(process);
    }
  }
}
