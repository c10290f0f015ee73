package dev.redrive.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a user runs it: the launcher jar in a process of its own. It
 * prints its banner without the warnings every local start gives; every socket that it and its
 * children (the embedded PostgreSQL) listen on, the schema registry's included, is on the loopback
 * interface, and SIGTERM stops them all. Reads Linux's {@code /proc}.
 */
class LocalLauncherIT {

  private static final Path JAR = Path.of("target", "redrive-local-exec.jar");
  private static final int LISTEN = 0x0A;

  @Test
  void shouldListenOnlyOnLoopbackAndLeaveNothingRunningAfterSigterm() throws Exception {
    // given the launcher started without its demo on free ports
    assertThat(JAR).as("built by the package phase").isRegularFile();
    int basePort = freeRunOfFourPorts();
    Path output = Files.createTempFile("redrive-local", ".log");
    Path data = Files.createTempDirectory("redrive-local-data");
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dredrive.local.port=" + basePort,
                "-jar",
                JAR.toString(),
                "--data",
                data.toString(),
                "--no-demo")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    Set<ProcessHandle> processes = new HashSet<>();
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Files.readString(output).contains("  metrics ") || !launcher.isAlive());
      String printed = Files.readString(output);
      assertThat(launcher.isAlive()).as(printed).isTrue();
      // a newcomer sees the banner, not the warnings every local start gives
      assertThat(printed)
          .contains("schema registry    http://127.0.0.1:" + (basePort + 3))
          .contains("data folder        " + data.toAbsolutePath().normalize())
          .contains("GET /api/v1/executions,")
          .doesNotContain("outOfOrder", "TOPIC_ALREADY_EXISTS", "BootstrapMetadata", "Exception");
      int kafkaPort = portAfter("Kafka bootstrap", printed);
      int postgresPort = portAfter("PostgreSQL", printed);

      // when the sockets listening are looked up: the launcher's own (HTTP, broker), its children's
      // and the database's (pg_ctl detaches the server, so it is not a child)
      List<Listener> listeners = listeners();
      Set<String> launcherSockets = sockets(launcher.toHandle());
      launcher.toHandle().descendants().forEach(child -> launcherSockets.addAll(sockets(child)));
      List<Listener> ours =
          listeners.stream()
              .filter(l -> launcherSockets.contains(l.inode()) || l.port() == postgresPort)
              .toList();
      processes.add(launcher.toHandle());
      launcher.toHandle().descendants().forEach(processes::add);
      ours.stream()
          .filter(l -> l.port() == postgresPort)
          .forEach(l -> processes.addAll(owners(l.inode())));

      // then the HTTP ports, the broker and the database listen, each on loopback only
      assertThat(ours)
          .extracting(Listener::port)
          .as(printed)
          .contains(basePort, basePort + 1, basePort + 2, basePort + 3, kafkaPort, postgresPort);
      assertThat(ours)
          .allSatisfy(
              listener ->
                  assertThat(listener.address().isLoopbackAddress())
                      .as("port %d listens on %s", listener.port(), listener.address())
                      .isTrue());
      assertThat(processes).as("the database server's process").hasSizeGreaterThan(1);
    } finally {
      // SIGTERM, as Ctrl-C or a service manager sends it
      launcher.destroy();
      assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
    }
    // the database server finishes its exit a moment after pg_ctl reports it stopped
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(processes).noneMatch(ProcessHandle::isAlive));
    assertThat(Files.readString(output)).contains("Stopped.");
  }

  /** A listening TCP socket as /proc/net shows it. */
  private record Listener(int port, InetAddress address, String inode) {}

  private static List<Listener> listeners() throws IOException {
    List<Listener> listeners = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> rows = Files.readAllLines(Path.of(table));
      for (String row : rows.subList(1, rows.size())) {
        String[] columns = row.trim().split("\\s+");
        if (Integer.parseInt(columns[3], 16) == LISTEN) {
          String[] local = columns[1].split(":");
          listeners.add(
              new Listener(Integer.parseInt(local[1], 16), address(local[0]), columns[9]));
        }
      }
    }
    return listeners;
  }

  /** The socket inodes a process holds open. */
  private static Set<String> sockets(ProcessHandle process) {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
      fds.forEach(
          fd -> {
            try {
              String target = Files.readSymbolicLink(fd).toString();
              if (target.startsWith("socket:[")) {
                inodes.add(target.substring("socket:[".length(), target.length() - 1));
              }
            } catch (IOException e) {
              // closed while we looked
            }
          });
    } catch (IOException e) {
      // the process ended while we looked
    }
    return inodes;
  }

  /** The processes that hold this socket open. */
  private static List<ProcessHandle> owners(String inode) {
    return ProcessHandle.allProcesses().filter(p -> sockets(p).contains(inode)).toList();
  }

  /** A /proc/net address: 32-bit words in hex, each in the machine's (little-endian) order. */
  private static InetAddress address(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 2; i++) {
        byte swap = bytes[word + i];
        bytes[word + i] = bytes[word + 3 - i];
        bytes[word + 3 - i] = swap;
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(hex, e);
    }
  }

  private static int portAfter(String label, String printed) {
    Matcher matcher = Pattern.compile(label + "\\s+\\S*?:(\\d+)").matcher(printed);
    assertThat(matcher.find()).as("'%s' in %s", label, printed).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static int freeRunOfFourPorts() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = freePort();
      if (base < 65532 && free(base + 1) && free(base + 2) && free(base + 3)) {
        return base;
      }
    }
    throw new IllegalStateException("no four free ports in a row");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
