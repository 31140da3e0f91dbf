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
  /** Default batch size: past 32, CPU throughput stops improving for MiniLM-sized models. */
  public static final int DEFAULT_BATCH_SIZE = 32;
  /** Default bucketing window, in batches. */
  public static final int DEFAULT_WINDOW_BATCHES = 8;

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

  /** CPU, one intra-op thread per available core, batches of 32, windows of 8 batches. */
  public static EncoderOptions defaults() {
    return new EncoderOptions(ExecutionDevice.cpu(), Runtime.getRuntime().availableProcessors(),
        DEFAULT_BATCH_SIZE, DEFAULT_BATCH_SIZE * DEFAULT_WINDOW_BATCHES);
  }

  /** These options on another device. */
  public EncoderOptions withDevice(ExecutionDevice newDevice) {
    return new EncoderOptions(newDevice, intraOpThreads, batchSize, bucketWindow);
  }

  /** These options with another intra-op thread count. */
  public EncoderOptions withIntraOpThreads(int threads) {
    return new EncoderOptions(device, threads, batchSize, bucketWindow);
  }

  /** These options with another batch size; the window keeps its size in batches. */
  public EncoderOptions withBatchSize(int newBatchSize) {
    int windowBatches = Math.max(1, bucketWindow / batchSize);
    return new EncoderOptions(device, intraOpThreads, newBatchSize, newBatchSize * windowBatches);
  }

  /** These options with another bucketing window (in texts, at least the batch size). */
  public EncoderOptions withBucketWindow(int texts) {
    return new EncoderOptions(device, intraOpThreads, batchSize, texts);
  }
}
