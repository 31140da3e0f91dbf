package io.tartan.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** This build machine has no CUDA: a CUDA request must run on the CPU, say so once, and record what was asked. */
class DeviceFallbackTest {
  @Test
  void cudaRequestFallsBackToCpuWithOneWarning() {
    boolean cudaAvailable = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    OrtSessionFactory.resetFallbackWarningForTests();
    TokenEncoder cpu = TestModels.sharedBundled();
    try (LogCapture log = LogCapture.warnings(OrtSessionFactory.class)) {
      // the address Spark would hand a task, e.g. TaskContext resources "gpu" -> ["1"]
      TokenEncoder gpu1 = TokenEncoders.shared(TestModels.bundled(),
          TestModels.SMALL_BATCHES.withDevice(ExecutionDevice.parse("1")));
      assertEquals(ExecutionDevice.cuda(1), gpu1.device().requested());
      if (cudaAvailable) {
        return; // a GPU build on a GPU machine: nothing falls back
      }
      assertEquals(ExecutionDevice.cpu(), gpu1.device().actual());
      assertTrue(gpu1.device().fellBack());
      assertNotNull(gpu1.device().fallbackReason());
      assertTrue(gpu1.device().toString().contains("requested cuda:1"), gpu1.device().toString());

      try (TokenEncoder gpu0 = TokenEncoders.open(TestModels.bundled(),
          TestModels.SMALL_BATCHES.withDevice(ExecutionDevice.cuda(0)))) {
        assertEquals(ExecutionDevice.cuda(0), gpu0.device().requested());
        assertEquals(ExecutionDevice.cpu(), gpu0.device().actual());
      }
      List<String> warnings = log.messages();
      assertEquals(1, warnings.size(), "one warning per JVM, got " + warnings);
      assertTrue(warnings.get(0).contains("CUDA") && warnings.get(0).contains("CPU"), warnings.get(0));

      // same vectors as the CPU encoder, and the checksum does not depend on the device
      assertEquals(cpu.checksum(), gpu1.checksum());
      assertTrue(TestModels.maxAbsDiff(cpu.encodeDocument("fallback works").vectors(),
          gpu1.encodeDocument("fallback works").vectors()) < 1e-6);
    }
  }

  @Test
  void cpuRequestDoesNotWarn() {
    TokenEncoder cpu = TestModels.sharedBundled();
    assertFalse(cpu.device().fellBack());
    assertEquals(ExecutionDevice.cpu(), cpu.device().requested());
    assertEquals("cpu", cpu.device().toString());
  }
}
