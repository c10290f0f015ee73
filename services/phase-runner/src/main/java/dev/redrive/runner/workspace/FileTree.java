package dev.redrive.runner.workspace;

import dev.redrive.runner.domain.FileFingerprint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * File operations the runner applies to workspaces: walking without following links, hashing,
 * copying and moving. A symbolic link is treated as a file of its own (its target is never read or
 * copied), so a phase cannot make the runner read or write outside the workspace through one.
 */
public final class FileTree {

  private FileTree() {}

  /**
   * Regular files and links under {@code start}, by path relative to {@code root}; folders for
   * which {@code skipFolder} answers true (given their path relative to root) are not entered.
   */
  public static Map<String, Path> files(Path root, Path start, Predicate<String> skipFolder) {
    Map<String, Path> files = new TreeMap<>();
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    try {
      Files.walkFileTree(
          start,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String relative = relative(root, dir);
              return !relative.isEmpty() && skipFolder.test(relative)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              files.put(relative(root, file), file);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + start, e);
    }
    return files;
  }

  public static String relative(Path root, Path file) {
    return root.relativize(file).toString();
  }

  /** Size and SHA-256 of a file; of a link, the link's own text. */
  public static FileFingerprint fingerprint(Path file) {
    try {
      if (Files.isSymbolicLink(file)) {
        String target = Files.readSymbolicLink(file).toString();
        return new FileFingerprint(
            target.length(),
            "link:" + HexFormat.of().formatHex(digest().digest(target.getBytes())));
      }
      try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
        long size = in.transferTo(OutputStream.nullOutputStream());
        return new FileFingerprint(size, HexFormat.of().formatHex(in.getMessageDigest().digest()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /** SHA-256 of a file's content. */
  public static String sha256(Path file) {
    return fingerprint(file).sha256();
  }

  /** Copies a file or link (not what a link points to), creating the target's folders. */
  public static void copy(Path source, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Files.copy(
          source,
          target,
          LinkOption.NOFOLLOW_LINKS,
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy " + source + " to " + target, e);
    }
  }

  /** Moves a file, link or folder, creating the target's folders; replaces an existing file. */
  public static void move(Path source, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not move " + source + " to " + target, e);
    }
  }

  /** Deletes a file, link or folder tree; nothing when it does not exist. */
  public static void deleteTree(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          path,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + path, e);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
