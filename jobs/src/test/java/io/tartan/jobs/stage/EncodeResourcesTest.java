package io.tartan.jobs.stage;

import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceProfile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the encode stage asks for GPUs, and what it asks for. */
class EncodeResourcesTest {
    private static SparkConf cluster() {
        return new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077")
                .set("spark.executor.resource.gpu.amount", "1");
    }

    @Test
    void clusterWithGpuExecutorsGetsATaskOnlyProfileAskingForOneGpu() {
        ResourceProfile p = EncodeResources.profile(cluster(), "gpu").orElseThrow();
        assertInstanceOf(TaskResourceProfile.class, p, "no dynamic allocation: tasks only");
        assertEquals(1.0, p.taskResources().get("gpu").get().amount());
        assertEquals(1.0, p.taskResources().get("cpus").get().amount());
        assertTrue(p.executorResources().isEmpty());
    }

    @Test
    void fractionalGpusPerTaskAndDynamicAllocationAskForGpuExecutors() {
        SparkConf c = cluster().set(EncodeResources.AMOUNT_KEY, "0.5").set("spark.dynamicAllocation.enabled", "true")
                .set("spark.executor.cores", "4");
        ResourceProfile p = EncodeResources.profile(c, "GPU").orElseThrow();
        assertEquals(0.5, p.taskResources().get("gpu").get().amount());
        assertEquals(1L, p.executorResources().get("gpu").get().amount());
        assertEquals(4L, p.executorResources().get("cores").get().amount());
    }

    @Test
    void noProfileWhereGpuTasksCouldNotRunOrAlreadyHoldGpus() {
        assertFalse(EncodeResources.profile(cluster(), "cpu").isPresent());
        assertFalse(EncodeResources.profile(cluster(), "cuda:1").isPresent());
        assertFalse(EncodeResources.profile(cluster().set("spark.master", "local[2]"), "gpu").isPresent(),
                "local mode never schedules GPU tasks");
        assertFalse(EncodeResources.profile(cluster().remove("spark.executor.resource.gpu.amount"), "gpu")
                .isPresent(), "executors without GPUs");
        assertFalse(EncodeResources.profile(cluster().set("spark.task.resource.gpu.amount", "1"), "gpu")
                .isPresent(), "every task already holds a GPU");
        assertTrue(EncodeResources.profile(cluster().set("spark.master", "local-cluster[2,1,1024]"), "gpu")
                .isPresent(), "local-cluster runs real executors");
    }

    @Test
    void badAmountIsAnErrorNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncodeResources.profile(cluster().set(EncodeResources.AMOUNT_KEY, "1.5"), "gpu"));
        assertTrue(e.getMessage().contains(EncodeResources.AMOUNT_KEY), e.getMessage());
    }
}
