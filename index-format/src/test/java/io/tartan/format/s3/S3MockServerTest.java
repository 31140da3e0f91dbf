package io.tartan.format.s3;

import io.tartan.format.testing.S3MockServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's own failure path: a server that cannot start says why, with its log, instead of hanging. */
@Tag("slow") // starts (short-lived) child JVMs
class S3MockServerTest {
    @Test
    void aServerThatExitsAtOnceFailsWithItsLogTail(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("not-s3mock.jar"), "not a jar");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> S3MockServer.start(List.of("b1"), broken));
        assertTrue(e.getMessage().contains("exited with status") && e.getMessage().contains("s3mock log")
                && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("jar"), e.getMessage());
    }

    @Test
    void theExecJarIsFoundWithoutBeingOnTheClasspath() {
        Path jar = S3MockServer.locateJar();
        assertTrue(Files.isRegularFile(jar), jar.toString());
        assertTrue(!System.getProperty("java.class.path").contains("s3mock"), "s3mock must not be on the test classpath");
    }
}
