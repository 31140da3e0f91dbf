package io.tartan.format.kmeans;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoLevelAssignerTest {
    private static final int DIM = 64;

    @Test
    void probingEveryGroupIsExact() {
        float[] centroids = ClusteredPoints.unitRows(1024, DIM, 1);
        float[] queries = ClusteredPoints.unitRows(500, DIM, 2);
        TwoLevelAssigner all = TwoLevelAssigner.build(centroids, DIM, 16, 16, 3);
        assertEquals(1.0, AssignmentAgreement.measure(all, queries).exactShare());
    }

    @Test
    void defaultProbeAgreesWithBruteForceOnClusteredData() {
        float[] centroids = ClusteredPoints.around(ClusteredPoints.unitRows(64, DIM, 4), DIM, 32, 0.05, 5);
        float[] queries = ClusteredPoints.around(centroids, DIM, 1, 0.03, 6);
        TwoLevelAssigner a = TwoLevelAssigner.build(centroids, DIM, 0, 8, 7);
        assertEquals(64, a.groups());
        AssignmentAgreement.Result r = AssignmentAgreement.measure(a, queries);
        assertTrue(r.exactShare() > 0.9, "agreement " + r);
        assertTrue(a.expectedScoredPerVector() < 2048 / 4.0);
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        float[] centroids = ClusteredPoints.unitRows(256, DIM, 8);
        float[] queries = ClusteredPoints.unitRows(50, DIM, 9);
        TwoLevelAssigner a = TwoLevelAssigner.build(centroids, DIM, 0, 4, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        CentroidAssigner back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (CentroidAssigner) in.readObject();
        }
        assertArrayEquals(a.assign(queries), back.assign(queries));
    }
}
