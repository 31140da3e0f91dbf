package io.tartan.jobs.bench;

import io.tartan.jobs.input.NpyHeader;
import io.tartan.query.cli.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's file handling without Spark: corpus prefixes, .npy headers, charts, tables. */
class BenchFilesTest {
    @TempDir
    Path dir;

    @Test
    void prefixOfASynthDataSetHoldsTheFirstDocumentsExactly() throws Exception {
        Path src = dir.resolve("src");
        TinySynth.write(src, 40, 3);
        long[] lens = NpyArray.read(src.resolve("doclens.npy")).longs();
        float[] all = NpyArray.read(src.resolve("docs.npy")).floats();
        long tokens = SynthData.writePrefix(src, 15, dir.resolve("prefix"));
        assertEquals(Arrays.stream(lens, 0, 15).sum(), tokens);

        NpyArray docs = NpyArray.read(dir.resolve("prefix/docs.npy"));
        assertArrayEquals(new long[] {tokens, TinySynth.DIM}, docs.shape());
        assertArrayEquals(Arrays.copyOf(all, (int) tokens * TinySynth.DIM), docs.floats());
        assertArrayEquals(Arrays.copyOf(lens, 15), NpyArray.read(dir.resolve("prefix/doclens.npy")).longs());
        // the IndexJob's own reader accepts the headers, and the data starts 64-byte aligned as numpy writes it
        try (InputStream in = Files.newInputStream(dir.resolve("prefix/doclens.npy"))) {
            NpyHeader h = NpyHeader.read(new DataInputStream(in), "doclens.npy").require("doclens.npy", 1, "<i8");
            assertArrayEquals(new long[] {15}, h.shape());
            assertEquals(0, h.dataOffset() % 64);
        }
        assertThrows(IllegalArgumentException.class, () -> SynthData.writePrefix(src, 41, dir.resolve("bad")));
    }

    @Test
    void synthDataNamesTheMissingFileAndTheBadLine() throws Exception {
        Path src = dir.resolve("s");
        TinySynth.write(src, 20, 2);
        SynthData d = SynthData.load(src);
        assertEquals(2, d.queries().size());
        assertEquals(TinySynth.QLEN * TinySynth.DIM, d.queries().get(0).length);
        assertEquals(10, d.exactTop10().get(1).size());
        Files.writeString(src.resolve("exact_top10.tsv"), "0\t3\t1\t2.0\n7\t1\t1\t1.0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SynthData.load(src));
        assertTrue(e.getMessage().contains("exact_top10.tsv:2"), e.getMessage());
        Files.delete(src.resolve("queries.npy"));
        e = assertThrows(IllegalArgumentException.class, () -> SynthData.load(src));
        assertTrue(e.getMessage().contains("queries.npy"), e.getMessage());
    }

    @Test
    void chartsArePngsOfTheDeclaredSize() throws Exception {
        Path curve = dir.resolve("charts/curve.png");
        BenchCharts.recallLatency(curve, "t", Map.of("FAST", List.of(new BenchCharts.Point(2, 0.8), new BenchCharts.Point(3, 0.86))),
                Map.of("reference", new BenchCharts.Point(10, 0.752)));
        Path scaling = dir.resolve("charts/scaling.png");
        BenchCharts.scaling(scaling, "s", new double[] {3e5, 6e5, 1.2e6}, new double[] {30, 60, 120}, new double[] {2, 2.5, 3});
        for (Path p : List.of(curve, scaling)) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(BenchCharts.WIDTH, img.getWidth());
            assertEquals(BenchCharts.HEIGHT, img.getHeight());
            assertTrue(Files.size(p) < 100_000, "a chart for the docs stays small: " + Files.size(p));
        }
    }

    @Test
    void markdownTablesFormatNumbersAndMissingCells() {
        String t = new MarkdownTable("a", "b", "c").row("x", 0.75261, 475.04).row("y", Double.NaN, null).toString();
        assertEquals("| a | b | c |\n|---|---|---|\n| x | 0.753 | 475.0 |\n| y | – | – |\n", t);
        assertThrows(IllegalArgumentException.class, () -> new MarkdownTable("a").row(1, 2));
    }
}
