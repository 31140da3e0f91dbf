package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;
import io.tartan.query.TestIndexes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CentroidRankerTest {
    @TempDir
    Path dir;

    /**
     * The int8 ranking copies the cells of blocks of candidates before scoring them: every candidate must still get
     * the integer the kernel gives over its own cells, copied one document at a time, and the heap the same rows. Six
     * shards (the row locator changes segment inside blocks), candidate lists of consecutive rows (the cell start
     * taken from the previous row's end), with gaps, of lengths no multiple of the block, blocks cut short by a
     * small buffer, and mappings of 64-byte chunks (every document's cells straddle chunks), 4 KB and one chunk.
     */
    @Test
    void blockedInt8RankingScoresEveryCandidateAsOneAtATime() {
        String uri = TestIndexes.build(dir.resolve("idx"));
        LateInteractionKernels kernels = InteractionKernels.get();
        Random rnd = new Random(11);
        for (long chunk : new long[] {64, 4096, OpenOptions.DEFAULT_MAP_CHUNK_BYTES}) {
            OpenOptions opts = OpenOptions.defaults().withCacheDir(dir.resolve("c" + chunk), false).withMapChunkBytes(chunk);
            try (TartanIndex index = TartanIndex.open(uri, opts)) {
                IndexSnapshot snap = index.snapshot();
                SearchScratch s = SearchScratch.get(snap.numRows(), snap.numCentroids(), 32, 0);
                int[] all = IntStream.range(0, snap.numRows()).toArray();
                int[] everyThird = IntStream.range(0, snap.numRows()).filter(r -> r % 3 != 1).toArray();
                int[] random = IntStream.range(0, snap.numRows()).filter(r -> rnd.nextInt(4) == 0).toArray();
                for (int[] rows : new int[][] {all, everyThird, random, Arrays.copyOf(all, 37),
                        Arrays.copyOfRange(everyThird, 5, 6), new int[0]}) {
                    rnd.nextBytes(s.int8Scores);
                    float[] want = oneAtATime(kernels, snap, s.int8Scores, rows);
                    float[] got = new float[rows.length];
                    CentroidRanker.scoreInt8(kernels, snap, s, rows, rows.length, null, got);
                    assertArrayEquals(want, got, "chunk " + chunk + ", " + rows.length + " rows");
                    // a block buffer of the longest document only: blocks end early, down to one document each
                    DocBuffers buf = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken());
                    int[] full = buf.cellBlock;
                    buf.cellBlock = new int[snap.maxDoclen()];
                    Arrays.fill(got, Float.NaN);
                    CentroidRanker.scoreInt8(kernels, snap, s, rows, rows.length, null, got);
                    buf.cellBlock = full;
                    assertArrayEquals(want, got, "short blocks, chunk " + chunk + ", " + rows.length + " rows");
                    for (int n : new int[] {1, 10, 64}) {
                        TopK ref = new TopK(n);
                        for (int j = 0; j < rows.length; j++) {
                            ref.offer(rows[j], want[j]);
                        }
                        TopK top = new TopK(n);
                        CentroidRanker.scoreInt8(kernels, snap, s, rows, rows.length, top, null);
                        float[] a = new float[n];
                        float[] b = new float[n];
                        assertArrayEquals(ref.sortedRows(a), top.sortedRows(b));
                        assertArrayEquals(a, b);
                    }
                }
                assertEquals(6, snap.numSlices());
            }
        }
    }

    private static float[] oneAtATime(LateInteractionKernels kernels, IndexSnapshot snap, byte[] table, int[] rows) {
        float[] out = new float[rows.length];
        int[] cells = new int[snap.maxDoclen()];
        for (int j = 0; j < rows.length; j++) {
            int row = rows[j];
            int slice = snap.sliceOf(row);
            int local = row - snap.slice(slice).base() + snap.slice(slice).from();
            int m = snap.slice(slice).segment().cells(local, cells);
            out[j] = kernels.int8CentroidMaxSim32(table, cells, 0, m);
        }
        return out;
    }
}
