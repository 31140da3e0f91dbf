package io.tartan.jobs.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvidiaSmiTest {
    private static final String BANNER = """
            +-----------------------------------------------------------------------------------------+
            | NVIDIA-SMI 570.86.15              Driver Version: 570.86.15      CUDA Version: 12.8     |
            |-----------------------------------------+------------------------+----------------------+
            """;

    @Test
    void readsGpusDriverAndCudaVersion() {
        NvidiaSmi s = NvidiaSmi.parse("0, NVIDIA H200, 570.86.15, 143771 MiB\n1, NVIDIA H200, 570.86.15, 143771 MiB\n",
                BANNER);
        assertNull(s.error());
        assertEquals(List.of(new NvidiaSmi.Gpu("0", "NVIDIA H200", "143771 MiB"),
                new NvidiaSmi.Gpu("1", "NVIDIA H200", "143771 MiB")), s.gpus());
        assertEquals("570.86.15", s.driverVersion());
        assertEquals("12.8", s.cudaVersion());
    }

    @Test
    void noGpuAndUnreadableLinesAreErrors() {
        assertTrue(NvidiaSmi.parse("\n", BANNER).error().contains("no GPU"));
        assertTrue(NvidiaSmi.parse("0, NVIDIA H200\n", BANNER).error().contains("unexpected nvidia-smi line"));
    }

    @Test
    void aMissingBannerLeavesTheCudaVersionUnknown() {
        NvidiaSmi s = NvidiaSmi.parse("0, NVIDIA H200, 570.86.15, 143771 MiB", "");
        assertNull(s.error());
        assertNull(s.cudaVersion());
    }
}
