package io.tartan.jobs.stage;

import io.tartan.jobs.IndexConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How many flat steps follow the grouped fit: the default's rule and explicit settings. */
class DistributedKMeansTest {
    @Test
    void byDefaultOneFlatStepFollowsTheGroupedFitFrom256GroupsOn() {
        IndexConfig cfg = config(Map.of());
        assertEquals(-1, cfg.kmeansRefineNiters());
        // 1× of the synthetic set: 128 groups, no step (the 1× build is unchanged)
        assertEquals(128, DistributedKMeans.groups(16_384, cfg));
        assertEquals(0, DistributedKMeans.refineNiters(16_384, cfg));
        // 4× (32,768) and 10× (65,536): 256 groups, one step
        assertEquals(256, DistributedKMeans.groups(32_768, cfg));
        assertEquals(1, DistributedKMeans.refineNiters(32_768, cfg));
        assertEquals(1, DistributedKMeans.refineNiters(65_536, cfg));
        // the rule follows the groups actually used, not k
        assertEquals(0, DistributedKMeans.refineNiters(32_768, config(Map.of("kmeans_groups", "128"))));
        assertEquals(1, DistributedKMeans.refineNiters(16_384, config(Map.of("kmeans_groups", "256"))));
    }

    @Test
    void anExplicitSettingWins() {
        assertEquals(0, DistributedKMeans.refineNiters(65_536, config(Map.of("kmeans_refine_niters", "0"))));
        assertEquals(2, DistributedKMeans.refineNiters(16_384, config(Map.of("kmeans_refine_niters", "2"))));
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("kmeans_refine_niters", "-2")));
    }

    private static IndexConfig config(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("input", "unused");
        m.put("output", "unused");
        return IndexConfig.fromMap(m);
    }
}
