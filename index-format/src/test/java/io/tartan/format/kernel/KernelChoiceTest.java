package io.tartan.format.kernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which kernels a fresh JVM picks with and without the Vector API module, and the one WARN it logs without it. */
class KernelChoiceTest {
    @Test
    void withoutTheModuleBothKernelSetsFallBackWithOneWarnNamingTheOption() throws Exception {
        String out = probe(false);
        assertEquals("scalar|scalar", chosen(out), out);
        long warns = out.lines().filter(l -> l.contains("WARN") && l.contains(VectorApi.JVM_OPTION)).count();
        assertEquals(1, warns, "one WARN per JVM, not one per kernel set:\n" + out);
    }

    @Test
    void withTheModuleBothKernelSetsUseTheVectorApiSilently() throws Exception {
        String out = probe(true);
        assertTrue(chosen(out).matches("vector-api\\(\\d+-bit\\)\\|vector-api\\(\\d+-bit\\)"), out);
        assertFalse(out.contains(VectorApi.JVM_OPTION), out);
    }

    private static String chosen(String out) {
        return out.lines().filter(l -> l.startsWith("kernels=")).map(l -> l.substring("kernels=".length()))
                .findFirst().orElse("(no kernels= line)");
    }

    /** Everything a child JVM running {@link KernelChoiceProbe} printed (log lines go to stdout). */
    private static String probe(boolean vectorApi) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                // log4j2's default configuration, at WARN: the test classpath has no log4j2 config file
                "-Dorg.apache.logging.log4j.level=WARN"));
        if (vectorApi) {
            cmd.add("--add-modules=" + VectorApi.MODULE);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelChoiceProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
