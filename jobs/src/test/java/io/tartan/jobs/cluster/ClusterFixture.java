package io.tartan.jobs.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where cluster tests find the shaded jobs jar the build made ({@code tartan.jobs.shadedJar}, set by failsafe). */
final class ClusterFixture {
    private ClusterFixture() {
    }

    static Path shadedJar() {
        String p = System.getProperty("tartan.jobs.shadedJar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the shaded jobs jar (system property tartan.jobs.shadedJar=" + p
                    + ") is missing: cluster tests run in `mvn -pl jobs verify`, after the package phase built it");
        }
        return Path.of(p);
    }

    /** A fresh folder under the build's temp dir for one cluster. */
    static Path workDir(String name) {
        try {
            return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), name + "-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
