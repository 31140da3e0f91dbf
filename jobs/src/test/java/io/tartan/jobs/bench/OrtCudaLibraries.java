package io.tartan.jobs.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The ONNX Runtime build on the classpath and the CUDA libraries its CUDA provider needs: which jar
 * ({@code onnxruntime} or {@code onnxruntime_gpu}), its version and providers, the provider library's NEEDED entries
 * ({@code readelf -d}) and those the dynamic linker cannot find ({@code ldd}, under the given LD_LIBRARY_PATH).
 * A missing library is the usual reason a CUDA session silently becomes a CPU one, so the check names it up front.
 *
 * @param needed  the CUDA libraries the provider links ({@code libcudart.so.12}, …); empty without a CUDA provider
 * @param missing those of {@code needed} that ldd reports "not found"
 */
record OrtCudaLibraries(String artifact, String version, List<String> providers, boolean cudaProvider,
        List<String> needed, List<String> missing) {
    static final String PROVIDER_LIB = "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so";
    private static final Pattern NEEDED = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^]]+)]");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found", Pattern.MULTILINE);
    /** PyPI wheels (NVIDIA's own) that carry each CUDA runtime library, by library name prefix. */
    private static final Map<String, String> WHEELS = Map.of("libcublas", "nvidia-cublas", "libcudart",
            "nvidia-cuda-runtime", "libcurand", "nvidia-curand", "libcufft", "nvidia-cufft", "libcudnn",
            "nvidia-cudnn", "libnvrtc", "nvidia-cuda-nvrtc", "libnvJitLink", "nvidia-nvjitlink");

    static OrtCudaLibraries inspect(Path workDir, Map<String, String> env, Path logDir) throws IOException {
        Path jar = jarOf(OrtEnvironment.class);
        List<String> providers = OrtEnvironment.getAvailableProviders().stream().map(OrtProvider::name).sorted()
                .toList();
        String version = OrtEnvironment.getEnvironment().getVersion();
        Path lib = extractProvider(jar, workDir.resolve("ort-native"));
        if (lib == null) {
            return new OrtCudaLibraries(jar.getFileName().toString(), version, providers, false, List.of(), List.of());
        }
        ProcessRun readelf = ProcessRun.run(List.of("readelf", "-d", lib.toString()), env, workDir,
                logDir.resolve("readelf.log"), Duration.ofSeconds(60));
        ProcessRun ldd = ProcessRun.run(List.of("ldd", lib.toString()), env, workDir, logDir.resolve("ldd.log"),
                Duration.ofSeconds(60));
        Set<String> needed = new LinkedHashSet<>();
        Matcher m = NEEDED.matcher(readelf.output());
        while (m.find()) {
            if (isCuda(m.group(1))) {
                needed.add(m.group(1));
            }
        }
        List<String> missing = new ArrayList<>();
        Matcher nf = NOT_FOUND.matcher(ldd.output());
        while (nf.find()) {
            missing.add(nf.group(1));
            if (isCuda(nf.group(1))) {
                needed.add(nf.group(1));
            }
        }
        return new OrtCudaLibraries(jar.getFileName().toString(), version, providers,
                providers.contains(OrtProvider.CUDA.name()), List.copyOf(needed), missing);
    }

    private static boolean isCuda(String lib) {
        return lib.startsWith("libcu") || lib.startsWith("libnv");
    }

    /** The CUDA major version the provider was built for, from {@code libcudart.so.N}; null if unknown. */
    String cudaMajor() {
        return needed.stream().filter(l -> l.startsWith("libcudart.so.")).map(l -> l.substring(13)).findFirst()
                .orElse(null);
    }

    /**
     * The PyPI wheels that hold the missing libraries, for this CUDA major ({@code nvidia-cublas-cu12}, …). The
     * driver's own {@code libcuda.so.1} is never among them: no wheel can stand in for a driver.
     */
    List<String> wheelsForMissing() {
        Set<String> wheels = new LinkedHashSet<>();
        for (String lib : missing) {
            WHEELS.forEach((prefix, wheel) -> {
                if (lib.startsWith(prefix) && !lib.startsWith("libcuda.")) {
                    wheels.add(wheel + "-cu" + cudaMajor());
                }
            });
        }
        return cudaMajor() == null ? List.of() : List.copyOf(wheels);
    }

    /**
     * Installs {@code wheels} into {@code target} with pip (a package registry, the only network the check may use)
     * and returns the library folders they bring, for LD_LIBRARY_PATH; empty when pip fails (its log says why).
     */
    static List<Path> fetchWithPip(List<String> wheels, Path target, Map<String, String> env, Path logDir)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip", "install", "--quiet", "--no-deps",
                "--target", target.toString()));
        cmd.addAll(wheels);
        ProcessRun pip = ProcessRun.run(cmd, env, target.getParent(), logDir.resolve("pip-cuda.log"),
                Duration.ofMinutes(5));
        if (!pip.ok() || !Files.isDirectory(target.resolve("nvidia"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(target.resolve("nvidia"), 2)) {
            return s.filter(p -> p.getFileName().toString().equals("lib") && Files.isDirectory(p)).sorted().toList();
        }
    }

    private static Path jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the jar of " + c.getName() + ": " + e.getMessage(), e);
        }
    }

    /** The CUDA provider library copied out of the jar (once), or null when this build has none. */
    private static Path extractProvider(Path jar, Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry(PROVIDER_LIB);
            if (entry == null) {
                return null;
            }
            Path out = dir.resolve("libonnxruntime_providers_cuda.so");
            if (Files.isRegularFile(out) && Files.size(out) == entry.getSize()) {
                return out;
            }
            Files.createDirectories(dir);
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        }
    }
}
