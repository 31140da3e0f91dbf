package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The steps of scripts/gpu-check.sh after the build (run it through the script, which builds with {@code -Pgpu} and
 * sets up the fake GPU): the GPU and driver, the ONNX Runtime build and its CUDA libraries, CUDA against CPU encoding
 * on the same batches (tokens/s, vector agreement), IndexJob on a standalone cluster with a GPU, and a search of the
 * index it built. Writes {@code gpu-check.json} and {@code gpu-check.md} to the output folder; exits 1 when any
 * check failed. A fake run judges everything a machine without a GPU can show and marks the rest skipped (its
 * result is then "incomplete", never "pass"). fp16 is not a check: the model config has no dtype setting, and the
 * encoder section says so.
 */
public final class GpuCheck {
    /** Largest |cuda − cpu| of any component of any L2-normalised token vector. */
    static final double MAX_ABS_DIFF = 1e-3;
    /** Smallest cosine between a token's CUDA and CPU vectors. */
    static final double MIN_COSINE = 0.9999;
    /** Best-batch GPU tokens/s over best-batch CPU tokens/s at --cpu-threads (2: the 2-core reference machine). */
    static final double MIN_SPEEDUP = 10;
    /** PLAID's nDCG@10 may trail exact MaxSim over the same index by this much on the sample's queries. */
    static final double MAX_NDCG_GAP = 0.02;
    static final String QUERY = "Vitamin D deficiency is associated with higher risk of infection";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GpuCheckOptions o;
    private final GpuCheckReport report;
    private final Map<String, String> env = new HashMap<>();
    private final Path logs;

    private GpuCheck(GpuCheckOptions o) {
        this.o = o;
        this.report = new GpuCheckReport(o.fake());
        this.logs = o.out().resolve("logs");
    }

    public static void main(String[] args) throws Exception {
        GpuCheckOptions o;
        try {
            o = GpuCheckOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new GpuCheck(o).run());
    }

    private int run() throws IOException {
        Files.createDirectories(logs);
        report.section("machine").setAll(MachineInfo.current().toJson());
        ObjectNode tol = report.section("tolerances");
        tol.put("max_abs_diff", MAX_ABS_DIFF);
        tol.put("min_cosine", MIN_COSINE);
        tol.put("min_speedup_vs_cpu", MIN_SPEEDUP);
        tol.put("max_ndcg_gap_plaid_vs_exact", MAX_NDCG_GAP);
        try {
            if (gpu()) {
                onnxRuntime();
                encoder();
                Path index = o.out().resolve("index");
                ClusterIndexRun.run(o.root(), o.out(), corpus(), index, o, env, report);
                search(index);
            }
        } finally {
            report.write(o.out().resolve("gpu-check.json"), o.out().resolve("gpu-check.md"));
        }
        System.out.println();
        System.out.print(GpuCheckReport.markdown(report.toJson()));
        System.out.println("gpu-check: wrote " + o.out().resolve("gpu-check.json") + " and gpu-check.md");
        return report.failed() ? 1 : 0;
    }

    /** nvidia-smi: GPUs, driver, CUDA version. False when it gave no answer (nothing else can work then). */
    private boolean gpu() {
        NvidiaSmi smi = NvidiaSmi.query(env, o.root(), logs);
        ObjectNode s = report.section("gpu");
        ArrayNode gpus = s.putArray("gpus");
        smi.gpus().forEach(g -> gpus.addObject().put("index", g.index()).put("name", g.name())
                .put("memory", g.memory()));
        s.put("driver_version", smi.driverVersion());
        s.put("cuda_version", smi.cudaVersion());
        if (smi.error() != null) {
            report.add(CheckResult.of("gpu_listed", false, smi.error()));
            return false;
        }
        report.add(CheckResult.onGpu(o.fake(), "gpu_listed", true, smi.gpus().stream()
                .map(g -> g.index() + ": " + g.name()).collect(Collectors.joining(", ")) + "; driver "
                + smi.driverVersion() + ", CUDA " + smi.cudaVersion()));
        return true;
    }

    /**
     * The ONNX Runtime build and whether its CUDA provider's libraries load; fetches missing CUDA runtime libraries
     * as pip wheels when allowed.
     */
    private void onnxRuntime() throws IOException {
        String libs = o.cudaLibs();
        if (!List.of("auto", "system").contains(libs)) {
            prependLibraryPath(List.of(Path.of(libs).toAbsolutePath()));
        }
        OrtCudaLibraries ort = OrtCudaLibraries.inspect(o.out(), env, logs);
        boolean pipAllowed = !o.fake() && libs.equals("auto");
        String pip = pipAllowed ? "not needed" : o.fake() ? "not tried (fake GPU)"
                : "not tried (--cuda-libs " + libs + ")";
        if (!ort.missing().isEmpty() && pipAllowed) {
            List<String> wheels = ort.wheelsForMissing();
            pip = "no wheel holds " + ort.missing();
            if (!wheels.isEmpty()) {
                System.out.println("gpu-check: CUDA libraries missing " + ort.missing() + "; installing " + wheels
                        + " with pip");
                List<Path> dirs = OrtCudaLibraries.fetchWithPip(wheels, o.out().resolve("cuda-libs"), env, logs);
                pip = dirs.isEmpty() ? "pip install " + wheels + " failed (logs/pip-cuda.log)"
                        : "installed " + wheels + " into cuda-libs/";
                if (!dirs.isEmpty()) {
                    prependLibraryPath(dirs);
                    ort = OrtCudaLibraries.inspect(o.out(), env, logs);
                }
            }
        }
        ObjectNode s = report.section("onnxruntime");
        s.put("artifact", ort.artifact());
        s.put("version", ort.version());
        s.set("providers", JSON.valueToTree(ort.providers()));
        s.put("cuda_build", ort.cudaMajor() == null ? null : "CUDA " + ort.cudaMajor());
        s.set("cuda_libraries", JSON.valueToTree(ort.needed()));
        s.set("cuda_libraries_missing", JSON.valueToTree(ort.missing()));
        s.put("cuda_libraries_from_pip", pip);
        s.put("ld_library_path", env.getOrDefault("LD_LIBRARY_PATH", System.getenv("LD_LIBRARY_PATH")));
        report.add(CheckResult.onGpu(o.fake(), "onnxruntime_cuda_build", ort.cudaProvider(), ort.artifact()
                + " " + ort.version() + ", providers " + ort.providers()
                + (ort.cudaProvider() ? "" : ": no CUDA provider, build with -Pgpu (run without --skip-build)")));
        report.add(CheckResult.onGpu(o.fake(), "cuda_libraries_found", ort.cudaProvider() && ort.missing().isEmpty(),
                !ort.cudaProvider() ? "no CUDA provider to load" : ort.missing().isEmpty()
                        ? "ldd resolves " + ort.needed() : "ldd cannot find " + ort.missing() + "; pip: " + pip
                        + " (or pass --cuda-libs DIR)"));
    }

    private void prependLibraryPath(List<Path> dirs) {
        String old = env.getOrDefault("LD_LIBRARY_PATH", System.getenv().getOrDefault("LD_LIBRARY_PATH", ""));
        String joined = dirs.stream().map(Path::toString).collect(Collectors.joining(":"));
        env.put("LD_LIBRARY_PATH", old.isEmpty() ? joined : joined + ":" + old);
    }

    /** The encoder on CUDA and on the CPU with the same batches (encoders' DeviceBenchmark in a child JVM). */
    private void encoder() throws IOException {
        Path json = o.out().resolve("encoder.json");
        Files.deleteIfExists(json);
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx4g",
                "-Dlog4j2.configurationFile=" + o.root().resolve("conf/log4j2.properties"),
                "-cp", moduleTestClasspath("encoders"), "io.tartan.encoders.DeviceBenchmark",
                "--corpus", o.root().resolve("samples/scifact-mini/corpus.jsonl").toString(),
                "--batch-sizes", o.batchSizes().stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--cpu-threads", String.valueOf(o.cpuThreads()), "--device", "cuda:0",
                "--min-seconds", String.valueOf(o.minSeconds()), "--json", json.toString()));
        if (o.docs() > 0) {
            cmd.addAll(List.of("--docs", String.valueOf(o.docs())));
        }
        System.out.println("gpu-check: encoder benchmark (CPU " + o.cpuThreads() + " threads vs cuda:0), batches "
                + o.batchSizes());
        ProcessRun bench = ProcessRun.run(cmd, env, o.root(), logs.resolve("encoder-benchmark.log"),
                Duration.ofMinutes(20));
        JsonNode e = Files.isRegularFile(json) ? JSON.readTree(json.toFile()) : JSON.createObjectNode();
        report.section("encoder").setAll((ObjectNode) e);
        JsonNode runs = e.path("runs");
        boolean complete = bench.ok() && runs.size() == o.batchSizes().size();
        report.add(CheckResult.of("encoder_benchmark_ran", complete, complete
                ? runs.size() + " batch sizes on " + e.path("documents").asInt() + " documents"
                : "DeviceBenchmark exit " + bench.exitCode() + ": " + bench.tail(12)));
        if (runs.isEmpty()) {
            return;
        }
        List<String> actual = new ArrayList<>();
        runs.forEach(r -> actual.add(r.path("gpu").path("actual").asText()));
        boolean onCuda = actual.stream().allMatch("cuda:0"::equals);
        JsonNode first = runs.get(0).path("gpu");
        report.add(CheckResult.onGpu(o.fake(), "encoder_on_cuda", onCuda, onCuda ? "every CUDA run had a cuda:0 session"
                : "runs on " + actual + (first.has("fallback_reason") ? ": " + first.path("fallback_reason").asText()
                : "")));
        double bestCpu = 0;
        double bestGpu = 0;
        int bestBatch = 0;
        for (JsonNode r : runs) {
            JsonNode a = r.path("agreement");
            boolean agree = a.path("documents_with_other_row_counts").asLong() == 0 && a.path("vectors").asLong() > 0
                    && a.path("max_abs_diff").asDouble() <= MAX_ABS_DIFF
                    && a.path("min_cosine").asDouble() >= MIN_COSINE;
            report.add(CheckResult.onGpu(o.fake(), "vectors_match_batch_" + r.path("batch").asInt(), agree,
                    String.format(Locale.ROOT, "%d vectors: max abs diff %.2e (≤ %.0e), min cosine %.7f (≥ %s), "
                                    + "%d documents with other row counts", a.path("vectors").asLong(),
                            a.path("max_abs_diff").asDouble(), MAX_ABS_DIFF, a.path("min_cosine").asDouble(),
                            MIN_COSINE, a.path("documents_with_other_row_counts").asLong())));
            bestCpu = Math.max(bestCpu, r.path("cpu").path("tokens_per_s").asDouble());
            if (r.path("gpu").path("tokens_per_s").asDouble() > bestGpu) {
                bestGpu = r.path("gpu").path("tokens_per_s").asDouble();
                bestBatch = r.path("batch").asInt();
            }
        }
        double speedup = bestGpu / bestCpu;
        report.section("encoder").put("best_speedup", speedup);
        report.add(CheckResult.onGpu(o.fake(), "gpu_speedup", speedup >= MIN_SPEEDUP, String.format(Locale.ROOT,
                "best GPU %.0f tokens/s (batch %d) / best CPU %.0f tokens/s (%d threads) = %.1f× (≥ %.0f×)", bestGpu,
                bestBatch, bestCpu, o.cpuThreads(), speedup, MIN_SPEEDUP)));
    }

    /**
     * The sample, or --index-docs of its documents: the judged ones first (in corpus order), so that the evaluation
     * of a small index still has relevant documents to find.
     */
    private Path corpus() throws IOException {
        Path sample = o.root().resolve("samples/scifact-mini");
        if (o.indexDocs() == 0) {
            return sample.resolve("corpus.jsonl");
        }
        Set<String> judged = new HashSet<>();
        for (String line : Files.readAllLines(sample.resolve("qrels.tsv"))) {
            String[] f = line.split("\t");
            if (f.length >= 2) {
                judged.add(f[1].strip());
            }
        }
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String line : Files.readAllLines(sample.resolve("corpus.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode doc = JSON.readTree(line);
                (judged.contains(doc.path("id").asText(doc.path("_id").asText())) ? first : rest).add(line);
            }
        }
        first.addAll(rest);
        Path subset = o.out().resolve("corpus.jsonl");
        Files.write(subset, first.subList(0, Math.min(o.indexDocs(), first.size())));
        return subset;
    }

    /** One search and an evaluation over the sample's queries, through scripts/tartan as a user runs them. */
    private void search(Path index) throws IOException {
        if (!Files.isRegularFile(index.resolve("metadata/v1.manifest.json"))) {
            report.add(CheckResult.skipped("search_answers", "not run: no index"));
            report.add(CheckResult.skipped("eval_plaid_vs_exact", "not run: no index"));
            return;
        }
        Map<String, String> cli = new HashMap<>(env);
        cli.put("TARTAN_HEAP", "2g");
        String tartan = o.root().resolve("scripts/tartan").toString();
        ProcessRun search = ProcessRun.run(List.of(tartan, "search", "--index", index.toString(), "--query", QUERY,
                "-k", "10", "--json"), cli, o.root(), logs.resolve("search.log"), Duration.ofMinutes(5));
        int hits = -1;
        for (String line : search.output().lines().toList()) {
            if (line.startsWith("{") && line.contains("\"results\"")) {
                hits = JSON.readTree(line).path("results").size();
            }
        }
        long docs = report.section("index_job").path("documents").asLong(0);
        long expected = Math.min(10, docs);
        report.add(CheckResult.of("search_answers", search.ok() && hits == expected && hits > 0,
                "tartan search -k 10: " + (hits < 0 ? "no JSON answer, exit " + search.exitCode() + ": "
                        + search.tail(6) : hits + " hits (expected " + expected + ")")));

        Path eval = o.out().resolve("eval.json");
        Files.deleteIfExists(eval);
        Path sample = o.root().resolve("samples/scifact-mini");
        ProcessRun run = ProcessRun.run(List.of(tartan, "eval", "--index", index.toString(), "--queries",
                        sample.resolve("queries.jsonl").toString(), "--qrels", sample.resolve("qrels.tsv").toString(),
                        "--exact", "--json", eval.toString()), cli, o.root(), logs.resolve("eval.log"),
                Duration.ofMinutes(10));
        if (!run.ok() || !Files.isRegularFile(eval)) {
            report.add(CheckResult.of("eval_plaid_vs_exact", false, "tartan eval exit " + run.exitCode() + ": "
                    + run.tail(8)));
            return;
        }
        JsonNode r = JSON.readTree(eval.toFile());
        report.section("search").setAll((ObjectNode) r);
        double plaid = r.path("ndcg@10").asDouble();
        double exact = r.path("exact").path("ndcg@10").asDouble();
        // exact > 0: an index of the judged documents that finds none of them is broken, whatever PLAID does
        report.add(CheckResult.of("eval_plaid_vs_exact", r.path("queries").asInt() > 0 && exact > 0
                        && exact - plaid <= MAX_NDCG_GAP, String.format(Locale.ROOT,
                "%d queries: nDCG@10 PLAID %.4f, exact MaxSim %.4f (> 0, gap ≤ %.2f)", r.path("queries").asInt(),
                plaid, exact, MAX_NDCG_GAP)));
    }

    /** A module's test classes, classes and dependency jars (sibling modules' jars replaced by their classes). */
    private String moduleTestClasspath(String module) {
        Path m = o.root().resolve(module);
        try {
            String deps = Stream.of(Files.readString(m.resolve("target/classpath.txt")).strip().split(":"))
                    .filter(p -> !p.contains("/tartan-")).collect(Collectors.joining(":"));
            return m.resolve("target/test-classes") + ":" + m.resolve("target/classes") + ":" + deps;
        } catch (IOException e) {
            throw new UncheckedIOException(module + "/target/classpath.txt is missing: build first ("
                    + e.getMessage() + ")", e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
