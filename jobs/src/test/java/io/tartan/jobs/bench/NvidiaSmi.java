package io.tartan.jobs.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code nvidia-smi} says about this machine: its GPUs (ordinal, name, memory), the driver, and the newest CUDA
 * version that driver supports (the "CUDA Version" of its banner; the CUDA libraries ONNX Runtime links are another
 * matter, see {@link OrtCudaLibraries}).
 *
 * @param error why nvidia-smi gave no answer, or null
 */
record NvidiaSmi(List<Gpu> gpus, String driverVersion, String cudaVersion, String error) {
    static final String QUERY = "--query-gpu=index,name,driver_version,memory.total";
    private static final Pattern CUDA_VERSION = Pattern.compile("CUDA Version:\\s*([^\\s|]+)");

    record Gpu(String index, String name, String memory) {
    }

    static NvidiaSmi query(Map<String, String> env, Path dir, Path logDir) {
        ProcessRun gpus = ProcessRun.run(List.of("nvidia-smi", QUERY, "--format=csv,noheader"), env, dir,
                logDir.resolve("nvidia-smi-query.log"), Duration.ofSeconds(60));
        if (!gpus.ok()) {
            return new NvidiaSmi(List.of(), null, null, "nvidia-smi " + QUERY + " failed (exit " + gpus.exitCode()
                    + "): " + gpus.tail(5));
        }
        ProcessRun banner = ProcessRun.run(List.of("nvidia-smi"), env, dir, logDir.resolve("nvidia-smi.log"),
                Duration.ofSeconds(60));
        return parse(gpus.output(), banner.ok() ? banner.output() : "");
    }

    /** From the CSV answer to {@link #QUERY} and the plain {@code nvidia-smi} banner. */
    static NvidiaSmi parse(String csv, String banner) {
        List<Gpu> gpus = new ArrayList<>();
        String driver = null;
        for (String line : csv.strip().lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                return new NvidiaSmi(gpus, driver, null, "unexpected nvidia-smi line '" + line + "'");
            }
            gpus.add(new Gpu(f[0].strip(), f[1].strip(), f[3].strip()));
            driver = f[2].strip();
        }
        Matcher m = CUDA_VERSION.matcher(banner);
        return new NvidiaSmi(gpus, driver, m.find() ? m.group(1) : null,
                gpus.isEmpty() ? "nvidia-smi lists no GPU" : null);
    }
}
