package io.tartan.format.ivf;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexFormatException;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IvfFileTest {
    @Test
    void roundTripAndSize() {
        Random rnd = new Random(1);
        int k = 512;
        IvfBuilder b = new IvfBuilder(k);
        int tokens = 0;
        for (int pid = 0; pid < 5000; pid++) {
            for (int t = 0; t < 30; t++) {
                b.add(rnd.nextInt(k), pid);
                tokens++;
            }
        }
        Ivf ivf = b.build();
        byte[] bytes = IvfFile.write(ivf);
        Ivf back = IvfFile.read(bytes, "x.tivf");
        assertEquals(ivf, back);
        // ~290 pids per list over 5000 docs → gaps < 64 mostly: well under 2 bytes per entry
        assertTrue(bytes.length < ivf.numEntries() * 1.5, bytes.length + " bytes for " + ivf.numEntries() + " entries");
        assertTrue(ivf.numEntries() <= tokens);
    }

    @Test
    void builderSortsAndDeduplicates() {
        IvfBuilder b = new IvfBuilder(3);
        b.addDocument(7, new int[] {2, 2, 0});
        b.addDocument(1, new int[] {2});
        Ivf ivf = b.build();
        assertArrayEquals(new int[] {7}, ivf.list(0));
        assertArrayEquals(new int[0], ivf.list(1));
        assertArrayEquals(new int[] {1, 7}, ivf.list(2));
        assertEquals(3, ivf.numEntries());
    }

    @Test
    void unionMergesDeltas() {
        Ivf base = Ivf.fromLists(new int[][] {{1, 5}, {}, {2}});
        Ivf delta = Ivf.fromLists(new int[][] {{5, 9}, {10}, {}});
        Ivf u = Ivf.union(base, delta);
        assertArrayEquals(new int[] {1, 5, 9}, u.list(0));
        assertArrayEquals(new int[] {10}, u.list(1));
        assertArrayEquals(new int[] {2}, u.list(2));
        assertThrows(IllegalArgumentException.class, () -> Ivf.fromLists(new int[][] {{3, 3}}));
    }

    @Test
    void corruptionAndTruncationAreNamed() {
        byte[] bytes = IvfFile.write(Ivf.fromLists(new int[][] {{1, 2, 3}, {4}}));
        bytes[10] ^= 1;
        IndexFormatException e = assertThrows(CorruptFileException.class, () -> IvfFile.read(bytes, "ivf/a.tivf"));
        assertTrue(e.getMessage().startsWith("ivf/a.tivf"));
        assertThrows(IndexFormatException.class, () -> IvfFile.read(new byte[5], "ivf/b.tivf"));
    }

    @Test
    void randomListsSurviveTheCodec() {
        Random rnd = new Random(7);
        int[][] lists = new int[50][];
        for (int c = 0; c < lists.length; c++) {
            TreeSet<Integer> s = new TreeSet<>();
            int n = rnd.nextInt(40);
            while (s.size() < n) {
                s.add(rnd.nextInt(c % 2 == 0 ? 100 : Integer.MAX_VALUE));
            }
            lists[c] = s.stream().mapToInt(Integer::intValue).toArray();
        }
        Ivf ivf = Ivf.fromLists(lists);
        assertEquals(ivf, IvfFile.read(IvfFile.write(ivf), "r.tivf"));
    }
}
