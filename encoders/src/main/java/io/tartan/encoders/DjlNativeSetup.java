package io.tartan.encoders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL before its tokenizer library loads. DJL extracts its native tokenizers library once into
 * {@code $DJL_CACHE_DIR} (default {@code ~/.djl.ai}); on Spark executors the home folder is often missing or
 * read-only, so when neither the environment nor a system property names a cache dir and the default is not
 * writable, a per-user folder under {@code java.io.tmpdir} is used instead. DJL also "calls home" from EC2 unless
 * {@code OPT_OUT_TRACKING} is set: an indexing cluster has no business doing that, so it is opted out unless the
 * user decided otherwise. The DJL tokenizers jar ships only the CPU build of its library, so the CUDA flavour probe
 * (which logs "Failed to detect GPU count" twice on machines without a driver) is skipped.
 */
final class DjlNativeSetup {
  private static final Logger LOG = LoggerFactory.getLogger(DjlNativeSetup.class);
  static final String CACHE_DIR_KEY = "DJL_CACHE_DIR";
  private static final String TRACKING_KEY = "OPT_OUT_TRACKING";
  private static final String FLAVOR_KEY = "RUST_FLAVOR";
  private static volatile boolean done;

  private DjlNativeSetup() {}

  static void ensure() {
    if (done) {
      return;
    }
    synchronized (DjlNativeSetup.class) {
      if (done) {
        return;
      }
      if (isUnset(TRACKING_KEY)) {
        System.setProperty(TRACKING_KEY, "true");
      }
      if (isUnset(FLAVOR_KEY)) {
        System.setProperty(FLAVOR_KEY, "cpu");
      }
      if (isUnset(CACHE_DIR_KEY)) {
        Path home = Path.of(System.getProperty("user.home", "/nonexistent"));
        if (!canWriteUnder(home.resolve(".djl.ai"))) {
          Path fallback = Path.of(System.getProperty("java.io.tmpdir"),
              "tartan-djl-" + System.getProperty("user.name", "user"));
          System.setProperty(CACHE_DIR_KEY, fallback.toString());
          LOG.info("{} is not writable; DJL extracts its tokenizer library to {}", home, fallback);
        }
      }
      done = true;
    }
  }

  private static boolean isUnset(String key) {
    String env = System.getenv(key);
    return (env == null || env.isEmpty()) && System.getProperty(key) == null;
  }

  private static boolean canWriteUnder(Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.isWritable(dir);
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
