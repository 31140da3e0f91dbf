package io.tartan.jobs.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodeTaskLogTest {
    @Test
    void tellsATaskOnItsGpuFromAFallbackAndAWrongDevice() {
        String logs = """
                12:01:02 INFO EncodeResources: encode task 3.0 attempt 0 (TID 7): gpu addresses [0], encoder requested cuda:0, runs on cuda:0
                12:01:03 INFO EncodeResources: encode task 3.1 attempt 0 (TID 8): gpu addresses [1], encoder requested cuda:1, runs on cpu (requested cuda:1: CUDA execution provider failed on device 1: libcublasLt.so.12: cannot open shared object file)
                12:01:04 INFO EncodeResources: encode task 3.2 attempt 1 (TID 9): gpu addresses [1], encoder requested cuda:0, runs on cuda:0
                """;
        List<EncodeTaskLog> t = EncodeTaskLog.parse(logs);
        assertEquals(3, t.size());
        assertEquals(new EncodeTaskLog(3, 0, "0", "cuda:0", "cuda:0"), t.get(0));
        assertTrue(t.get(0).ranOnAssignedGpu());
        assertTrue(t.get(1).askedForAssignedGpu());
        assertFalse(t.get(1).ranOnAssignedGpu());
        assertTrue(t.get(1).runsOn().startsWith("cpu (requested cuda:1: CUDA execution provider failed"));
        assertFalse(t.get(2).askedForAssignedGpu(), "asked for another GPU than the one Spark gave it");
        assertFalse(t.get(2).ranOnAssignedGpu());
    }
}
