package io.tartan.jobs.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPUs for machines that have none: a fake {@code nvidia-smi} (test resource {@code fake-gpu/nvidia-smi}) put first
 * on the PATH of a process, so that the real discovery script {@code conf/getGpusResources.sh} reports the ordinals
 * in {@code FAKE_GPU_INDEXES}. Spark then hands those addresses to tasks as it would real ones.
 */
final class FakeGpus {
    private FakeGpus() {
    }

    /** Copies the fake nvidia-smi into {@code dir/bin} (resources lose their executable bit) and returns that dir. */
    static Path install(Path dir) {
        Path bin = dir.resolve("bin");
        try (InputStream in = FakeGpus.class.getResourceAsStream("/fake-gpu/nvidia-smi")) {
            if (in == null) {
                throw new IllegalStateException("test resource fake-gpu/nvidia-smi is missing");
            }
            Files.createDirectories(bin);
            Path exe = bin.resolve("nvidia-smi");
            Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the fake nvidia-smi: " + e.getMessage(), e);
        }
    }

    /** The environment under which {@code nvidia-smi} (from {@code bin}) lists {@code indexes}. */
    static Map<String, String> env(Path bin, List<String> indexes) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toAbsolutePath() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("FAKE_GPU_INDEXES", String.join(" ", indexes));
        return env;
    }

    /** {@code conf/getGpusResources.sh} of this checkout ({@code tartan.confDir}, set by the build). */
    static Path discoveryScript() {
        Path p = Path.of(System.getProperty("tartan.confDir", "../conf"), "getGpusResources.sh");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " is missing or not executable");
        }
        return p.toAbsolutePath();
    }
}
