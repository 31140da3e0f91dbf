package io.tartan.encoders;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions on the requested device. CUDA is used when asked for and available (the
 * onnxruntime_gpu artifact, a driver, the device); otherwise the session runs on the CPU and ONE warning per JVM
 * says so — a Spark executor opening a session per task slot must not flood its log.
 */
final class OrtSessionFactory {
  private static final Logger LOG = LoggerFactory.getLogger(OrtSessionFactory.class);
  private static final AtomicBoolean FALLBACK_WARNED = new AtomicBoolean();

  private OrtSessionFactory() {}

  /** A session and where it runs. */
  record Opened(OrtSession session, DeviceAssignment device) {}

  /**
   * @param onnxBytes the graph's bytes, or null to let ONNX Runtime read {@code onnx} from disk
   */
  static Opened open(ModelResource onnx, byte[] onnxBytes, EncoderOptions options) {
    ExecutionDevice requested = options.device();
    String fallbackReason = null;
    if (!requested.isCpu()) {
      if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
        fallbackReason = "this ONNX Runtime build has no CUDA execution provider (use onnxruntime_gpu: mvn -Pgpu)";
      } else {
        try {
          return new Opened(create(onnx, onnxBytes, options, requested), new DeviceAssignment(requested, requested, null));
        } catch (OrtException e) {
          fallbackReason = "CUDA execution provider failed on device " + requested.deviceId() + ": " + e.getMessage();
        }
      }
      warnFallback(onnx, requested, fallbackReason);
    }
    try {
      ExecutionDevice cpu = ExecutionDevice.cpu();
      return new Opened(create(onnx, onnxBytes, options, cpu), new DeviceAssignment(requested, cpu, fallbackReason));
    } catch (OrtException e) {
      throw new EncoderException("cannot load ONNX model file " + onnx.location() + ": " + e.getMessage(), e);
    }
  }

  private static OrtSession create(ModelResource onnx, byte[] onnxBytes, EncoderOptions options,
      ExecutionDevice device)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // ORT's WARNING level reports harmless graph rewrites (unused initializers) on stderr for every session
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      if (!device.isCpu()) {
        so.addCUDA(device.deviceId());
      }
      // a file path lets ORT find external-data files (models > 2 GB) next to the graph; classpath: needs bytes
      return onnxBytes == null ? env.createSession(onnx.location(), so) : env.createSession(onnxBytes, so);
    }
  }

  private static void warnFallback(ModelResource onnx, ExecutionDevice requested, String reason) {
    if (FALLBACK_WARNED.compareAndSet(false, true)) {
      LOG.warn("CUDA requested ({}) but not available: {}. Encoding on the CPU instead, which is far slower. "
          + "(Logged once per JVM.)", requested, reason);
    } else {
      LOG.debug("CUDA requested ({}) for {}; falling back to CPU: {}", requested, onnx.location(), reason);
    }
  }

  /** Lets a test see the once-per-JVM warning again. */
  static void resetFallbackWarningForTests() {
    FALLBACK_WARNED.set(false);
  }
}
