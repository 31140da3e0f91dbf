package io.tartan.encoders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens token encoders. {@link #shared} keeps one encoder (one ONNX session, one tokenizer) per JVM for each
 * config and options: Spark tasks running in the same executor, one after another or at the same time, all reuse
 * it instead of loading the model per task. Shared encoders are thread-safe and their {@code close()} does nothing;
 * they live until {@link #closeShared()} or JVM exit.
 */
public final class TokenEncoders {
  private static final Map<Key, Holder> SHARED = new ConcurrentHashMap<>();

  private TokenEncoders() {}

  /** A new encoder owned by the caller, who must close it. */
  public static TokenEncoder open(EncoderConfig config, EncoderOptions options) {
    return new OnnxTokenEncoder(config, options, true);
  }

  /**
   * The JVM-wide encoder for this config and options, created on first use. Concurrent first calls wait for one
   * load; a failed load is not cached, so a later call retries.
   */
  public static TokenEncoder shared(EncoderConfig config, EncoderOptions options) {
    return SHARED.computeIfAbsent(new Key(config, options), k -> new Holder()).get(config, options);
  }

  /** The shared bundled all-MiniLM-L6-v2 encoder on the CPU with default options. */
  public static TokenEncoder sharedDefault() {
    return shared(EncoderConfig.bundled(), EncoderOptions.defaults());
  }

  /** Frees every shared encoder; later {@link #shared} calls load again. Callers must be done with them. */
  public static void closeShared() {
    List<Holder> holders = new ArrayList<>(SHARED.values());
    SHARED.clear();
    for (Holder holder : holders) {
      holder.release();
    }
  }

  /** Number of shared encoders alive, for tests and diagnostics. */
  public static int sharedCount() {
    return SHARED.size();
  }

  private record Key(EncoderConfig config, EncoderOptions options) {}

  /** Loads at most once at a time without holding the map's lock (loading takes seconds). */
  private static final class Holder {
    private OnnxTokenEncoder encoder;

    synchronized TokenEncoder get(EncoderConfig config, EncoderOptions options) {
      if (encoder == null) {
        encoder = new OnnxTokenEncoder(config, options, false);
      }
      return encoder;
    }

    synchronized void release() {
      if (encoder != null) {
        encoder.release();
        encoder = null;
      }
    }
  }
}
