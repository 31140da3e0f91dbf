package io.tartan.encoders;

/**
 * How an encoder runs, as opposed to what it computes ({@link EncoderConfig}).
 *
 * @param device CPU, or the CUDA device to ask for (falls back to CPU with one warning when CUDA is missing)
 * @param intraOpThreads ONNX Runtime intra-op threads for the session; with several Spark task slots per
 *     executor sharing one session, set it to cores per slot
 * @param batchSize documents or queries per ONNX run
 * @param bucketWindow how many texts are sorted by length together before being cut into batches; larger saves
 *     more padding, and results always come back in the caller's order
 */
public record EncoderOptions(ExecutionDevice device, int intraOpThreads, int batchSize, int bucketWindow) {
  /**
   * Default CPU batch size. On 2 cores with MiniLM and ~210-token documents, batches of 8 ran ~15% faster than 32
   * or 64 (docs/bench/encoders.md): bigger CPU batches only add padding and cache misses.
   */
  public static final int DEFAULT_CPU_BATCH_SIZE = 8;
  /** Default GPU batch size: GPUs need many sequences per run to be busy. */
  public static final int DEFAULT_GPU_BATCH_SIZE = 64;
  /** Default bucketing window, in texts. */
  public static final int DEFAULT_BUCKET_WINDOW = 256;

  public EncoderOptions {
    if (device == null) {
      throw new IllegalArgumentException("device must be set");
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intra-op threads must be >= 1, got " + intraOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (bucketWindow < batchSize) {
      throw new IllegalArgumentException("bucket window " + bucketWindow + " is smaller than batch size " + batchSize);
    }
  }

  /** CPU, one intra-op thread per available core, batches of 8, windows of 256 texts. */
  public static EncoderOptions defaults() {
    return defaultsFor(ExecutionDevice.cpu());
  }

  /** Defaults for a device: batches of 8 on the CPU, 64 on a GPU; windows of 256 texts. */
  public static EncoderOptions defaultsFor(ExecutionDevice device) {
    int batch = device.isCpu() ? DEFAULT_CPU_BATCH_SIZE : DEFAULT_GPU_BATCH_SIZE;
    return new EncoderOptions(device, Runtime.getRuntime().availableProcessors(), batch,
        Math.max(DEFAULT_BUCKET_WINDOW, batch));
  }

  /** These options on another device (batch size unchanged; see {@link #defaultsFor}). */
  public EncoderOptions withDevice(ExecutionDevice newDevice) {
    return new EncoderOptions(newDevice, intraOpThreads, batchSize, bucketWindow);
  }

  /** These options with another intra-op thread count. */
  public EncoderOptions withIntraOpThreads(int threads) {
    return new EncoderOptions(device, threads, batchSize, bucketWindow);
  }

  /** These options with another batch size; the window grows to at least one batch. */
  public EncoderOptions withBatchSize(int newBatchSize) {
    return new EncoderOptions(device, intraOpThreads, newBatchSize, Math.max(bucketWindow, newBatchSize));
  }

  /** These options with another bucketing window (in texts, at least the batch size). */
  public EncoderOptions withBucketWindow(int texts) {
    return new EncoderOptions(device, intraOpThreads, batchSize, texts);
  }
}
