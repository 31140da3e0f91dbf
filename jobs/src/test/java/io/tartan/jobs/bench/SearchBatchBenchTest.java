package io.tartan.jobs.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the search-batch bench reads `tartan search --run` and counts queries with identical results. */
class SearchBatchBenchTest {
    @TempDir
    Path dir;

    @Test
    void trecRunIsReadRankByRankAndComparedWithScores() throws Exception {
        Path run = dir.resolve("cli.trec");
        Files.writeString(run, "0 Q0 d7 1 31.25 tartan\n0 Q0 d2 2 30.5 tartan\n1 Q0 d9 1 12.0 tartan\n");
        Map<String, List<String>> r = SearchBatchBench.readTrec(run);
        assertEquals(List.of("d7 31.25", "d2 30.5"), r.get("0"));
        assertEquals(List.of("d9 12.0"), r.get("1"));
        // the same ids with one score a float step apart, or another order, are different results
        assertEquals(2, SearchBatchBench.same(r, Map.of("0", List.of("d7 31.25", "d2 30.5"), "1", List.of("d9 12.0"))));
        assertEquals(1, SearchBatchBench.same(r, Map.of("0", List.of("d7 31.25", "d2 30.500002"), "1",
                List.of("d9 12.0"))));
        assertEquals(0, SearchBatchBench.same(r, Map.of("0", List.of("d2 30.5", "d7 31.25"))));
    }

    @Test
    void aLineThatIsNotTrecIsNamed() throws Exception {
        Path run = dir.resolve("bad.trec");
        Files.writeString(run, "0 Q0 d7 1 31.25 tartan\n0 d2 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchBatchBench.readTrec(run));
        assertTrue(e.getMessage().contains("bad.trec:2"), e.getMessage());
    }
}
