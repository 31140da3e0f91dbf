package io.tartan.encoders;

/**
 * The device an encoder asked for and the one it got. A Spark task can return {@link #requested()} to prove that
 * the encoder asked for the GPU address Spark assigned it.
 *
 * @param requested the device the caller asked for
 * @param actual the device the ONNX session runs on
 * @param fallbackReason why {@code actual} differs from {@code requested}, or {@code null}
 */
public record DeviceAssignment(ExecutionDevice requested, ExecutionDevice actual, String fallbackReason) {
  /** True when the session runs somewhere other than requested (CUDA asked for, CPU used). */
  public boolean fellBack() {
    return !requested.equals(actual);
  }

  @Override
  public String toString() {
    return fellBack() ? actual + " (requested " + requested + ": " + fallbackReason + ")" : actual.toString();
  }
}
