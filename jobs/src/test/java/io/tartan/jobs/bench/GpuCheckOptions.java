package io.tartan.jobs.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of scripts/gpu-check.sh (which passes its options through), with the defaults a real run uses.
 *
 * @param fake          fake nvidia-smi and the CPU fallback: the script's logic end to end, GPU checks skipped
 * @param docs          documents of the sample the encoder benchmark encodes (0 = all)
 * @param batchSizes    encoder benchmark batch sizes
 * @param cpuThreads    intra-op threads of the CPU runs (2: the machine the CPU figures in docs/ come from)
 * @param minSeconds    the GPU runs repeat until this many seconds were timed
 * @param indexDocs     documents IndexJob indexes (0 = the whole sample)
 * @param indexBatchSize IndexJob's encoder_batch_size
 * @param workerCores   cores of the one Worker (and of its executor)
 * @param cudaLibs      {@code auto} (the system's; NVIDIA's pip wheels for those missing), {@code system} (never
 *                      pip), or a folder to put first on LD_LIBRARY_PATH
 */
record GpuCheckOptions(Path root, Path out, boolean fake, int docs, List<Integer> batchSizes, int cpuThreads,
        double minSeconds, int indexDocs, int indexBatchSize, int workerCores, String cudaLibs) {

    static GpuCheckOptions parse(String[] args) {
        Path root = Path.of(".");
        Path out = null;
        boolean fake = false;
        int docs = 0;
        List<Integer> batches = List.of(8, 32, 128);
        int cpuThreads = 2;
        double minSeconds = 2;
        int indexDocs = 0;
        int indexBatch = 64;
        int cores = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
        String cudaLibs = "auto";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--fake-gpu")) {
                fake = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--root" -> root = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--docs" -> docs = Integer.parseInt(v);
                case "--batch-sizes" -> batches = Arrays.stream(v.split(",")).map(String::trim)
                        .map(Integer::valueOf).toList();
                case "--cpu-threads" -> cpuThreads = Integer.parseInt(v);
                case "--min-seconds" -> minSeconds = Double.parseDouble(v);
                case "--index-docs" -> indexDocs = Integer.parseInt(v);
                case "--index-batch-size" -> indexBatch = Integer.parseInt(v);
                case "--worker-cores" -> cores = Integer.parseInt(v);
                case "--cuda-libs" -> cudaLibs = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        root = root.toAbsolutePath().normalize();
        out = (out == null ? root.resolve("target/gpu-check") : out).toAbsolutePath().normalize();
        if (docs < 0 || indexDocs < 0 || cpuThreads < 1 || indexBatch < 1 || cores < 1 || batches.isEmpty()
                || batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("counts, threads, cores and batch sizes must be positive");
        }
        return new GpuCheckOptions(root, out, fake, docs, batches, cpuThreads, minSeconds, indexDocs, indexBatch,
                cores, cudaLibs);
    }

    String workerMemory() {
        return "3g";
    }

    String executorMemory() {
        return "2g";
    }
}
