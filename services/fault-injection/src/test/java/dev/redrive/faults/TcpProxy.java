package dev.redrive.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a server (PostgreSQL here) that can be switched off: {@link #cut()}
 * closes every open connection and stops listening, so that new connections are refused, until
 * {@link #restore()} listens again on the same port.
 */
final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port = ChildProcesses.freePort();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    restore();
  }

  int port() {
    return port;
  }

  /** Listens (again) and forwards every connection to the target. */
  synchronized void restore() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      server = socket;
      Thread acceptor = new Thread(() -> accept(socket), "proxy-accept-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException("proxy could not listen on " + port, e);
    }
  }

  /** Closes every connection and refuses new ones. */
  synchronized void cut() {
    closeQuietly(server);
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        // without it, Nagle's algorithm and delayed ACKs hold each small query back ~40 ms
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed by cut() or close()
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // connection closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}
