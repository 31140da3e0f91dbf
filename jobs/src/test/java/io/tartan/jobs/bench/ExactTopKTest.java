package io.tartan.jobs.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tartan bench exact-topk} against a brute force in double precision, written independently (TinySynth). */
class ExactTopKTest {
    @TempDir
    Path dir;

    @Test
    void equalsBruteForceInGenSynthLayout() throws Exception {
        TinySynth.write(dir, 300, 12);
        Path out = dir.resolve("mine.tsv");
        assertEquals(0, BenchCommand.run("exact-topk", "--data", dir.toString(), "--out", out.toString(),
                "--threads", "3"));
        assertSameRanking(Files.readAllLines(dir.resolve("exact_top10.tsv")), Files.readAllLines(out));
    }

    @Test
    void chunksAndThreadsDoNotChangeTheAnswer() throws Exception {
        TinySynth.write(dir, 300, 12);
        ExactTopK exact = ExactTopK.open(dir);
        List<ExactTopK.TopK> one = exact.run(7, 1, 1 << 20);
        // chunks of a few documents, taken by 4 threads in whatever order they get them
        List<ExactTopK.TopK> many = exact.run(7, 4, 50);
        assertEquals(12, one.size());
        for (int q = 0; q < one.size(); q++) {
            assertEquals(7, many.get(q).size());
            for (int r = 0; r < 7; r++) {
                assertEquals(one.get(q).doc(r), many.get(q).doc(r), "query " + q + " rank " + r);
                assertEquals(one.get(q).score(r), many.get(q).score(r), "query " + q + " rank " + r);
            }
        }
    }

    @Test
    void tiesGoToTheLowerDocumentAsAStableArgsort() {
        ExactTopK.TopK t = new ExactTopK.TopK(3);
        t.offer(9, 1f);
        t.offer(4, 2f);
        t.offer(2, 1f);
        t.offer(7, 1f);
        t.offer(1, 0.5f);
        assertEquals(List.of(4, 2, 7), List.of(t.doc(0), t.doc(1), t.doc(2)));
    }

    @Test
    void aMissingFileIsNamed() {
        int rc = BenchCommand.run("exact-topk", "--data", dir.resolve("nothing").toString());
        assertEquals(1, rc);
    }

    static void assertSameRanking(List<String> expected, List<String> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).split("\t");
            String[] a = actual.get(i).split("\t");
            assertEquals(List.of(e[0], e[1], e[2]), List.of(a[0], a[1], a[2]), "line " + (i + 1));
            assertEquals(Double.parseDouble(e[3]), Double.parseDouble(a[3]), 1e-4, "line " + (i + 1));
            assertTrue(a[3].matches("-?\\d+\\.\\d{6}"), "six decimals as gen_synth.py: " + a[3]);
        }
    }
}
