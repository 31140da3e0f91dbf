package io.tartan.encoders;

import java.util.Locale;

/**
 * Where ONNX Runtime runs a graph: the CPU, or one CUDA device by ordinal (the GPU address Spark assigned a task).
 *
 * @param kind CPU or CUDA
 * @param deviceId CUDA device ordinal; 0 for the CPU
 */
public record ExecutionDevice(Kind kind, int deviceId) {
  /** Execution provider family. */
  public enum Kind { CPU, CUDA }

  private static final ExecutionDevice CPU = new ExecutionDevice(Kind.CPU, 0);

  public ExecutionDevice {
    if (kind == null) {
      throw new IllegalArgumentException("device kind must be set");
    }
    if (deviceId < 0 || (kind == Kind.CPU && deviceId != 0)) {
      throw new IllegalArgumentException("bad device id " + deviceId + " for " + kind);
    }
  }

  /** The CPU execution provider. */
  public static ExecutionDevice cpu() {
    return CPU;
  }

  /** The CUDA execution provider on device {@code deviceId}. */
  public static ExecutionDevice cuda(int deviceId) {
    return new ExecutionDevice(Kind.CUDA, deviceId);
  }

  /**
   * Parses {@code cpu}, {@code cuda}, {@code cuda:N}, or a bare GPU address {@code N} as Spark hands it out
   * ({@code TaskContext.resources().get("gpu").addresses()}).
   */
  public static ExecutionDevice parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("cpu")) {
        return CPU;
      }
      if (t.equals("cuda") || t.equals("gpu")) {
        return cuda(0);
      }
      if (t.startsWith("cuda:") || t.startsWith("gpu:")) {
        return cuda(Integer.parseInt(t.substring(t.indexOf(':') + 1)));
      }
      return cuda(Integer.parseInt(t));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad device '" + text + "': expected cpu, cuda, cuda:N or a GPU address N");
    }
  }

  /** True for the CPU. */
  public boolean isCpu() {
    return kind == Kind.CPU;
  }

  @Override
  public String toString() {
    return isCpu() ? "cpu" : "cuda:" + deviceId;
  }
}
