package dev.redrive.runner.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An http answer's body streamed into a file as it arrives, at most {@code maxBytes} of it: beyond
 * that the file keeps the head, the transfer is cancelled and the body says it was cut. Only one
 * chunk of the body is ever in memory.
 */
final class LimitedFileBody implements HttpResponse.BodySubscriber<LimitedFileBody.Written> {

  /** What reached the file: its size, and whether the answer was longer than the limit. */
  record Written(long bytes, boolean exceeded) {}

  private final Path file;
  private final long maxBytes;
  private final CompletableFuture<Written> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private FileChannel out;
  private long written;
  private boolean done;

  LimitedFileBody(Path file, long maxBytes) {
    this.file = file;
    this.maxBytes = maxBytes;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    try {
      out =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      done = true;
      subscription.cancel();
      result.completeExceptionally(e);
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (done) {
      return;
    }
    try {
      for (ByteBuffer buffer : buffers) {
        long room = maxBytes - written;
        if (buffer.remaining() > room) {
          buffer.limit(buffer.position() + (int) room);
          write(buffer);
          finish(new Written(written, true));
          subscription.cancel();
          return;
        }
        write(buffer);
      }
    } catch (IOException e) {
      fail(e);
      subscription.cancel();
      return;
    }
    subscription.request(1);
  }

  private void write(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      written += out.write(buffer);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    fail(throwable);
  }

  @Override
  public void onComplete() {
    finish(new Written(written, false));
  }

  @Override
  public CompletionStage<Written> getBody() {
    return result;
  }

  private void finish(Written body) {
    if (done) {
      return;
    }
    done = true;
    try {
      out.close();
      result.complete(body);
    } catch (IOException e) {
      result.completeExceptionally(e);
    }
  }

  private void fail(Throwable throwable) {
    if (done) {
      return;
    }
    done = true;
    try {
      out.close();
    } catch (IOException e) {
      throwable.addSuppressed(e);
    }
    result.completeExceptionally(throwable);
  }
}
