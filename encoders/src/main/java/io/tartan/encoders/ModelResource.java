package io.tartan.encoders;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * A file an encoder needs (ONNX graph, tokenizer.json, projection matrix), either on disk or a classpath resource
 * written {@code classpath:name}. Classpath resources are how the bundled model travels inside a Maven jar.
 */
public final class ModelResource {
  /** Location prefix for resources read from the classpath. */
  public static final String CLASSPATH_PREFIX = "classpath:";

  private final String location;
  private final String role;

  private ModelResource(String location, String role) {
    this.location = location;
    this.role = role;
  }

  /**
   * @param location an absolute path, or {@code classpath:name}
   * @param role what the file is for, used in error messages ("ONNX model", "tokenizer")
   */
  public static ModelResource of(String location, String role) {
    if (location == null || location.isBlank()) {
      throw new EncoderException("no " + role + " file given");
    }
    return new ModelResource(location, role);
  }

  /** The location as given: an absolute path or {@code classpath:name}. */
  public String location() {
    return location;
  }

  /** The path on disk, or empty for a classpath resource. */
  public Optional<Path> path() {
    return isClasspath() ? Optional.empty() : Optional.of(Path.of(location));
  }

  boolean isClasspath() {
    return location.startsWith(CLASSPATH_PREFIX);
  }

  /** Whether the file (or classpath resource) can be opened. */
  public boolean exists() {
    try (InputStream in = open()) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** All bytes of the file; the error names the file. */
  public byte[] readBytes() {
    try (InputStream in = open()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new EncoderException("cannot read " + role + " file " + location + ": " + describe(e), e);
    }
  }

  /** SHA-256 of the file, streamed so that multi-GB ONNX graphs are never held in memory. */
  public byte[] sha256() {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = open()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new EncoderException("cannot read " + role + " file " + location + ": " + describe(e), e);
    }
    return digest.digest();
  }

  /** SHA-256 of bytes already read with {@link #readBytes()}. */
  static byte[] sha256(byte[] bytes) {
    return newSha256().digest(bytes);
  }

  private InputStream open() throws IOException {
    if (isClasspath()) {
      String name = location.substring(CLASSPATH_PREFIX.length());
      String resource = name.startsWith("/") ? name.substring(1) : name;
      InputStream in = Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)
          : null;
      if (in == null) {
        in = ModelResource.class.getClassLoader().getResourceAsStream(resource);
      }
      if (in == null) {
        throw new NoSuchFileException(location, null, "classpath resource not found");
      }
      return in;
    }
    Path path = Path.of(location);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(location, null, Files.exists(path) ? "not a regular file" : "file not found");
    }
    return Files.newInputStream(path);
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException missing) {
      return missing.getReason() != null ? missing.getReason() : "file not found";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.toString();
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return role + " " + location;
  }
}
