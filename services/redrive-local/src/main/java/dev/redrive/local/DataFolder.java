package dev.redrive.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * The local launcher's data folder: everything that must survive a restart, in one place, held by
 * one launcher at a time.
 *
 * <pre>
 * .redrive-data          marks the folder as Redrive's (only such a folder is ever wiped)
 * redrive.lock           locked while a launcher uses the folder; holds its pid
 * ports.properties       the broker's ports, reused on restart
 * postgres/              PostgreSQL's data (the services' schemas)
 * kafka/                 the broker's log (topics, offsets, transactions, cluster id)
 * schemas.jsonl          the schema registry's schemas (the ids in the Kafka log)
 * pipelines/             pipeline files, read again every 2 s
 * workspaces/            the runner's workspaces
 * config/                optional settings of each service: runner.yml, coordinator.yml, audit.yml
 * </pre>
 */
final class DataFolder implements AutoCloseable {

  static final String MARKER = ".redrive-data";
  static final String LOCK = "redrive.lock";

  /**
   * The folders this JVM holds, with their holder. Checked before the lock file is touched: on
   * Linux, closing any handle of a locked file drops the locks this process has on it.
   */
  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataFolder(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Takes the folder (creating it when missing) for this launcher.
   *
   * @param fresh delete what is in it first (only a Redrive data folder's content)
   * @throws IllegalStateException naming the folder when another launcher holds it, or when it is a
   *     folder with other content that is not a Redrive data folder
   */
  static DataFolder open(Path folder, boolean fresh) {
    return open(folder, fresh, root -> {});
  }

  /**
   * As {@link #open(Path, boolean)}, with {@code beforeWipe} run on the folder once it is held and
   * before its content is deleted (to stop a server that a killed launcher left running on it).
   */
  static DataFolder open(Path folder, boolean fresh, Consumer<Path> beforeWipe) {
    Path root = folder.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      if (!Files.exists(root.resolve(MARKER)) && !isEmpty(root)) {
        throw new IllegalStateException(
            root
                + " is not empty and is not a Redrive data folder (it has no "
                + MARKER
                + " file); give --data an empty or new folder");
      }
      String holder = "pid %d, started %s".formatted(ProcessHandle.current().pid(), Instant.now());
      String heldHere = HELD.putIfAbsent(root, holder);
      if (heldHere != null) {
        throw inUse(root, heldHere);
      }
      FileChannel channel;
      FileLock lock;
      try {
        channel =
            FileChannel.open(
                root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          throw inUse(root, holder(root));
        }
      } catch (IOException | RuntimeException e) {
        HELD.remove(root);
        throw e;
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)));
      DataFolder data = new DataFolder(root, channel, lock);
      try {
        if (fresh) {
          beforeWipe.accept(root);
          data.wipe();
        }
        Files.writeString(root.resolve(MARKER), "Redrive local data folder\n");
        for (Path sub : List.of(data.workspaces(), data.config())) {
          Files.createDirectories(sub);
        }
        return data;
      } catch (IOException | RuntimeException e) {
        data.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot use the data folder " + root + ": " + e.getMessage(), e);
    }
  }

  Path root() {
    return root;
  }

  Path postgres() {
    return root.resolve("postgres");
  }

  Path kafka() {
    return root.resolve("kafka");
  }

  Path schemas() {
    return root.resolve("schemas.jsonl");
  }

  Path pipelines() {
    return root.resolve("pipelines");
  }

  Path workspaces() {
    return root.resolve("workspaces");
  }

  Path config() {
    return root.resolve("config");
  }

  /** Whether PostgreSQL and the broker have data here already (false on a first start). */
  boolean hasData() {
    return Files.exists(kafka().resolve("meta.properties"));
  }

  /**
   * The broker's two ports: the ones of the last start, or free ones that are then kept. A stored
   * port that another program took meanwhile is replaced by a free one.
   */
  int[] kafkaPorts(IntSupplier freePort) {
    Path file = root.resolve("ports.properties");
    Properties ports = new Properties();
    try {
      if (Files.exists(file)) {
        try (var in = Files.newInputStream(file)) {
          ports.load(in);
        }
      }
      int[] chosen = new int[2];
      String[] keys = {"kafka.broker", "kafka.controller"};
      for (int i = 0; i < 2; i++) {
        String stored = ports.getProperty(keys[i], "");
        int port = stored.matches("\\d{1,5}") ? Integer.parseInt(stored) : 0;
        chosen[i] = port > 0 && port < 65536 && free(port) ? port : freePort.getAsInt();
        ports.setProperty(keys[i], String.valueOf(chosen[i]));
      }
      try (var out = Files.newOutputStream(file)) {
        ports.store(out, "the embedded broker's ports, kept across restarts");
      }
      return chosen;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** Gives the folder up for the next launcher (the data stays). */
  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    } finally {
      HELD.remove(root);
    }
  }

  private void wipe() throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        if (!child.getFileName().toString().equals(LOCK)) {
          delete(child);
        }
      }
    }
  }

  private static void delete(Path path) throws IOException {
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }

  private static IllegalStateException inUse(Path root, String holder) {
    return new IllegalStateException(
        "another Redrive launcher is using "
            + root
            + " ("
            + holder
            + "); stop it first, or give this one another folder with --data");
  }

  private static String holder(Path root) {
    try {
      return Files.readString(root.resolve(LOCK)).strip();
    } catch (IOException e) {
      return "pid unknown";
    }
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.findAny().isEmpty();
    }
  }

  private static boolean free(int port) {
    try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
