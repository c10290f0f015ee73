package dev.redrive.support.pack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several byte strings as one LZ4-compressed value, for what a service writes on every decision and
 * reads back whole, rarely: the payloads of an outbox row, a retry's context and why. PostgreSQL's
 * cost of such a row follows its bytes (written to the table and the WAL), and these repeat
 * themselves: LZ4 keeps about a quarter of an outbox row's payloads and two thirds of a retry's
 * documents (1.7 kB of JSON). PostgreSQL's own column compression is not used because pglz was
 * measured too slow here and lz4 is not built into every PostgreSQL (the embedded one the tests use
 * lacks it).
 *
 * <p>Format: one byte of version ({@value #VERSION}), the uncompressed length as a four-byte int,
 * then the LZ4 block of the parts, each as a four-byte length and its bytes.
 */
public final class PackedBytes {

  public static final byte VERSION = 1;

  /** The version byte and the uncompressed length. */
  private static final int HEADER = 1 + Integer.BYTES;

  /**
   * No value unpacks to more than this (an outbox row holds about 7 kB, or one message up to {@code
   * redrive.outbox.max-message-bytes}; a retry context is bounded by its limits): a damaged length
   * cannot make a reader allocate more.
   */
  public static final int MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(PackedBytes.class);

  private static final LZ4Compressor COMPRESSOR = compressor();

  /**
   * A safe decompressor (never reads or writes past its arrays, whatever the input: it reads what
   * the database gives back, which a damaged row may make anything), native where it loads: the
   * pure Java one took a seventh of the outbox relay's CPU in the benchmark.
   */
  private static final LZ4SafeDecompressor DECOMPRESSOR = decompressor();

  /**
   * Each thread's buffers for the parts and their compressed block, kept between values: two new
   * arrays the size of the value on every decision were a sixth of what the attempts consumers
   * allocated.
   */
  private static final ThreadLocal<Scratch> PLAIN = ThreadLocal.withInitial(Scratch::new);

  private static final ThreadLocal<Scratch> BLOCK = ThreadLocal.withInitial(Scratch::new);

  private PackedBytes() {}

  /**
   * The native LZ4 compressor, else the pure Java one. {@code LZ4Factory.fastestInstance()} gives
   * the Java one to classes not loaded by the system class loader, which is every class of a Spring
   * Boot jar: the Java compressor took a fifth of the attempts consumers' CPU in the benchmark,
   * about 2.5 times the native one's.
   */
  private static LZ4Compressor compressor() {
    try {
      return LZ4Factory.nativeInstance().fastCompressor();
    } catch (Throwable unavailable) {
      log.info(
          "native LZ4 is not available on this platform ({}); packing with the pure Java LZ4",
          unavailable.toString());
      return LZ4Factory.safeInstance().fastCompressor();
    }
  }

  /**
   * The native safe decompressor ({@code LZ4_decompress_safe}, with lz4-java's bounds checks of the
   * arrays before it), else the pure Java safe one.
   */
  private static LZ4SafeDecompressor decompressor() {
    try {
      return LZ4Factory.nativeInstance().safeDecompressor();
    } catch (Throwable unavailable) {
      return LZ4Factory.safeInstance().safeDecompressor();
    }
  }

  /** The parts, in their order, as one value. */
  public static byte[] pack(List<byte[]> parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += Integer.BYTES + part.length;
    }
    byte[] plain = PLAIN.get().ofAtLeast(length);
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    for (byte[] part : parts) {
      buffer.putInt(part.length).put(part);
    }
    byte[] block = BLOCK.get().ofAtLeast(COMPRESSOR.maxCompressedLength(length));
    int compressed = COMPRESSOR.compress(plain, 0, length, block, 0, block.length);
    byte[] packed = new byte[HEADER + compressed];
    packed[0] = VERSION;
    ByteBuffer.wrap(packed, 1, Integer.BYTES).putInt(length);
    System.arraycopy(block, 0, packed, HEADER, compressed);
    return packed;
  }

  /** A thread's buffer, kept from one value to the next. */
  private static final class Scratch {
    /** A buffer grown past this is not kept for the next values. */
    static final int KEPT_BYTES = 1024 * 1024;

    private byte[] bytes = new byte[16 * 1024];

    /** The kept buffer, or a larger one (kept when it is not past {@link #KEPT_BYTES}). */
    byte[] ofAtLeast(int length) {
      if (length <= bytes.length) {
        return bytes;
      }
      byte[] grown = new byte[length];
      if (length <= KEPT_BYTES) {
        bytes = grown;
      }
      return grown;
    }
  }

  /**
   * The parts of a packed value, in their order.
   *
   * @throws UnreadableException when the value is not one that {@link #pack} wrote
   */
  public static List<byte[]> unpack(byte[] packed) {
    if (packed.length < HEADER || packed[0] != VERSION) {
      throw new UnreadableException(
          "unknown format (version byte " + (packed.length == 0 ? "missing" : packed[0]) + ")");
    }
    int length = ByteBuffer.wrap(packed, 1, Integer.BYTES).getInt();
    if (length < 0 || length > MAX_UNPACKED_BYTES) {
      throw new UnreadableException("unpacked length " + length + " out of range");
    }
    byte[] plain = new byte[length];
    try {
      int read = DECOMPRESSOR.decompress(packed, HEADER, packed.length - HEADER, plain, 0, length);
      if (read != length) {
        throw new UnreadableException(read + " bytes unpacked, " + length + " expected");
      }
    } catch (LZ4Exception e) {
      throw new UnreadableException("LZ4: " + e.getMessage());
    }
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    List<byte[]> parts = new ArrayList<>();
    while (buffer.hasRemaining()) {
      if (buffer.remaining() < Integer.BYTES) {
        throw new UnreadableException("truncated length at byte " + buffer.position());
      }
      int size = buffer.getInt();
      if (size < 0 || size > buffer.remaining()) {
        throw new UnreadableException("part of " + size + " bytes past the end");
      }
      byte[] part = new byte[size];
      buffer.get(part);
      parts.add(part);
    }
    return parts;
  }

  /** A value that {@link #unpack} cannot read. */
  public static final class UnreadableException extends RuntimeException {
    public UnreadableException(String detail) {
      super("the packed value cannot be read: " + detail);
    }
  }
}
