package io.tartan.jobs.cluster;

import io.tartan.jobs.search.QueryFiles;
import io.tartan.jobs.search.SearchResults;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SearchJob on a real standalone cluster (Master + 2 Workers, the shaded jar through spark-submit) with one Worker
 * killed (SIGKILL, Worker and executor) as the search stage starts: its cached query blocks, its shuffle output and
 * its loaded snapshot are gone, Spark re-runs the lost work on the other executor, and every query's results must
 * still equal the query runtime's. Its own cluster, because LocalClusterIT's ends a Worker short.
 */
@Tag("slow")
class SearchJobClusterIT {
    private static final int QUERIES = 600;
    private static final int TOKENS = 32;
    private static final int K = 10;

    @Test
    void searchJobSurvivesAWorkerKilledMidSearch() throws IOException {
        LocalReference ref = LocalReference.get();
        Path dir = ClusterFixture.workDir("search-cluster");
        List<float[]> queries = new ArrayList<>();
        int dim;
        try (TartanIndex index = TartanIndex.open(ref.index)) {
            dim = index.snapshot().dim();
            Random r = new Random(5);
            for (int q = 0; q < QUERIES; q++) {
                queries.add(unitRows(r, TOKENS, dim));
            }
        }
        Path npy = QueryFiles.npy(dir.resolve("queries.npy"), queries, TOKENS, dim);
        String out = dir.resolve("results").toString();
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir, ClusterFixture.shadedJar(),
                LocalSparkCluster.Options.workers(2))) {
            // exact MaxSim in blocks of 20: enough tasks that both executors are busy when one goes
            ChildJvm driver = cluster.submit("search-kill", List.of("--class", "io.tartan.jobs.SearchJob"),
                    ClusterFixture.shadedJar(), List.of("--index", ref.index, "--queries", npy.toString(),
                            "--output", out, "-k", Integer.toString(K), "--mode", "exact",
                            "--queries-per-task", "20", "--progress-seconds", "1"));
            driver.awaitLog(Pattern.compile("stage search: started"), LocalClusterIT.JOB_TIMEOUT);
            cluster.killWorker(1);
            assertFalse(cluster.worker(1).isAlive());
            assertEquals(0, driver.awaitExit(LocalClusterIT.JOB_TIMEOUT), driver::logTail);
            String log = driver.readLog();
            assertTrue(log.contains("Lost executor") || log.contains("ExecutorLostFailure"),
                    "the driver saw the executor go");
            assertTrue(log.contains("search: "), "progress lines are logged");
        }

        SearchResults got = SearchResults.read(new Configuration(), out);
        assertEquals(QUERIES, got.marker().get("queries").asInt());
        assertEquals(QUERIES, got.queryOrder().size());
        try (TartanIndex index = TartanIndex.open(ref.index)) {
            for (int q = 0; q < QUERIES; q++) {
                assertEquals(SearchResults.lines(index.searchExact(queries.get(q), K)),
                        got.byQuery().get(Integer.toString(q)), "query " + q);
            }
        }
    }

    private static float[] unitRows(Random r, int rows, int dim) {
        float[] m = new float[rows * dim];
        for (int t = 0; t < rows; t++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                float v = (float) r.nextGaussian();
                m[t * dim + d] = v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < dim; d++) {
                m[t * dim + d] *= inv;
            }
        }
        return m;
    }
}
