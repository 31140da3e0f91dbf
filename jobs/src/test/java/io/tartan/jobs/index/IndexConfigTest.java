package io.tartan.jobs.index;

import io.tartan.jobs.IndexConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexConfigTest {
    private static final String CONF = "../conf/index.properties";

    @Test
    void theShippedConfFileParsesAndFlagsOverrideIt() {
        assertTrue(Files.exists(Path.of(CONF)));
        IndexConfig c = IndexConfig.parse(new String[] {"--conf", CONF, "--input", "in.jsonl", "--output", "out",
            "--nbits", "4", "--kmeans-niters=6"});
        assertEquals(4, c.nbits());
        assertEquals(6, c.kmeansNiters());
        assertEquals(123, c.seed());
        assertEquals(256, c.kmeansMaxPointsPerCentroid());
        // the shipped file keeps the defaults' rules: k from the corpus, the flat step from 256 groups on
        assertEquals(0, c.ncentroids());
        assertEquals(-1, c.kmeansRefineNiters());
        assertEquals("auto", c.format());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown setting 'nbit'", first(assertThrows(IllegalArgumentException.class,
                () -> IndexConfig.parse(new String[] {"--input", "a", "--output", "b", "--nbit", "2"}))));
        assertEquals("nbits must be 1, 2 or 4, got 3", assertThrows(IllegalArgumentException.class,
                () -> IndexConfig.parse(new String[] {"--input", "a", "--output", "b", "--nbits", "3"})).getMessage());
        assertEquals("--output is required", assertThrows(IllegalArgumentException.class,
                () -> IndexConfig.parse(new String[] {"--input", "a"})).getMessage());
        assertEquals("seed must be an integer, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> IndexConfig.parse(new String[] {"--input", "a", "--output", "b", "--seed", "x"})).getMessage());
    }

    private static String first(Exception e) {
        return e.getMessage().substring(0, e.getMessage().indexOf(';'));
    }
}
