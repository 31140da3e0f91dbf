package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.jobs.cluster.EncodeTaskLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * IndexJob with {@code --encoder_device gpu} on a standalone master + 1 worker owning 1 GPU, started and submitted
 * through the user-facing scripts ({@code scripts/local-cluster.sh}, {@code scripts/submit.sh}). Judges the run from
 * its logs: the encode stage got the GPU profile, and every encode task asked for, and ran on, the GPU Spark gave it.
 */
final class ClusterIndexRun {
    static final String PROFILE_LINE = "encode stage: each task asks for";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterIndexRun() {
    }

    /** Runs it and records section {@code index_job} and its checks; the index ends up in {@code index}. */
    static void run(Path root, Path out, Path corpus, Path index, GpuCheckOptions o, Map<String, String> env,
            GpuCheckReport report) throws IOException {
        ObjectNode section = report.section("index_job");
        Path input = corpus.toAbsolutePath();
        section.put("input", input.startsWith(root) ? root.relativize(input).toString() : input.toString());
        section.put("worker_cores", o.workerCores());
        section.put("encoder_batch_size", o.indexBatchSize());
        Path logs = out.resolve("logs");
        Path state = out.resolve("cluster");
        Map<String, String> clusterEnv = new HashMap<>(env);
        clusterEnv.put("TARTAN_CLUSTER_DIR", state.toString());
        clusterEnv.put("MASTER_PORT", "0");
        clusterEnv.put("MASTER_WEBUI_PORT", "0");
        String clusterScript = root.resolve("scripts/local-cluster.sh").toString();
        try {
            ProcessRun start = ProcessRun.run(List.of(clusterScript, "start", "--workers", "1", "--gpus", "1",
                            "--cores", String.valueOf(o.workerCores()), "--memory", o.workerMemory()), clusterEnv, root,
                    logs.resolve("cluster-start.log"), Duration.ofMinutes(5));
            String url = start.output().strip().lines().reduce((a, b) -> b).orElse("");
            boolean started = start.ok() && url.startsWith("spark://");
            report.add(CheckResult.of("cluster_started", started, started
                    ? "master " + url + ", 1 worker with --gpus 1 (conf/getGpusResources.sh)"
                    : "scripts/local-cluster.sh start failed: " + start.tail(8)));
            if (!started) {
                skipRest(report, "the cluster did not start");
                return;
            }
            submit(root, url, corpus, index, o, clusterEnv, logs, section, report);
            judgeLogs(state, logs.resolve("index-job.log"), o.fake(), section, report);
        } finally {
            ProcessRun.run(List.of(clusterScript, "stop"), clusterEnv, root, logs.resolve("cluster-stop.log"),
                    Duration.ofMinutes(2));
        }
    }

    private static void submit(Path root, String url, Path corpus, Path index, GpuCheckOptions o,
            Map<String, String> env, Path logs, ObjectNode section, GpuCheckReport report) throws IOException {
        deleteTree(index);
        List<String> cmd = new ArrayList<>(List.of(root.resolve("scripts/submit.sh").toString(), "--master", url,
                "--conf", "spark.executor.resource.gpu.amount=1",
                "--conf", "spark.executor.cores=" + o.workerCores(),
                "--conf", "spark.executor.memory=" + o.executorMemory(),
                "--conf", "spark.ui.enabled=false"));
        String ldPath = env.get("LD_LIBRARY_PATH");
        if (ldPath != null && !ldPath.isEmpty()) {
            cmd.addAll(List.of("--conf", "spark.executorEnv.LD_LIBRARY_PATH=" + ldPath));
        }
        cmd.addAll(List.of("--", "--input", corpus.toString(), "--output", index.toString(),
                "--conf", root.resolve("conf/index.properties").toString(),
                "--encoder_device", "gpu", "--encoder_batch_size", String.valueOf(o.indexBatchSize())));
        Map<String, String> submitEnv = new HashMap<>(env);
        submitEnv.put("TARTAN_DRIVER_MEMORY", "2g");
        long t0 = System.nanoTime();
        ProcessRun job = ProcessRun.run(cmd, submitEnv, root, logs.resolve("index-job.log"), Duration.ofMinutes(15));
        section.put("seconds", (System.nanoTime() - t0) / 1e9);
        Path summary = index.resolve("metadata/v1.summary.json");
        boolean ok = job.ok() && Files.isRegularFile(summary);
        if (Files.isRegularFile(summary)) {
            JsonNode s = JSON.readTree(summary.toFile());
            for (String key : List.of("documents", "tokens", "shards", "ncentroids", "encoded_docs")) {
                section.set(key, s.get(key));
            }
            section.set("stage_seconds", s.get("seconds"));
        }
        report.add(CheckResult.of("index_job_succeeded", ok, ok
                ? "spark-submit exit 0, manifest committed (" + index.getFileName() + "/metadata/v1.summary.json)"
                : "spark-submit exit " + job.exitCode() + ": " + job.tail(12)));
    }

    private static void judgeLogs(Path state, Path driverLog, boolean fake, ObjectNode section,
            GpuCheckReport report) throws IOException {
        String driver = Files.isRegularFile(driverLog) ? Files.readString(driverLog) : "";
        String profile = driver.lines().filter(l -> l.contains(PROFILE_LINE)).findFirst().orElse("");
        report.add(CheckResult.of("encode_stage_gpu_profile", !profile.isEmpty(), profile.isEmpty()
                ? "the driver log has no '" + PROFILE_LINE + "' line: the encode stage did not ask for GPUs"
                : profile.substring(profile.indexOf(PROFILE_LINE))));

        List<EncodeTaskLog> tasks = EncodeTaskLog.parse(executorLogs(state.resolve("worker-0")));
        section.put("encode_tasks", tasks.size());
        ArrayNode devices = section.putArray("encode_devices");
        tasks.stream().map(EncodeTaskLog::runsOn).distinct().sorted().forEach(devices::add);
        List<EncodeTaskLog> wrongAsk = tasks.stream().filter(t -> !t.askedForAssignedGpu()).toList();
        report.add(CheckResult.of("encode_tasks_asked_for_their_gpu", !tasks.isEmpty() && wrongAsk.isEmpty(),
                tasks.isEmpty() ? "no 'encode task … gpu addresses' line in the executor logs"
                        : wrongAsk.isEmpty() ? tasks.size() + " encode tasks, each requested cuda:<its GPU address> ("
                        + tasks.stream().map(t -> t.requested()).collect(Collectors.toCollection(TreeSet::new)) + ")"
                        : "tasks that did not ask for their GPU: " + wrongAsk));
        List<EncodeTaskLog> notOnGpu = tasks.stream().filter(t -> !t.ranOnAssignedGpu()).toList();
        report.add(CheckResult.onGpu(fake, "encode_tasks_ran_on_cuda", !tasks.isEmpty() && notOnGpu.isEmpty(),
                tasks.isEmpty() ? "no encode task logged"
                        : notOnGpu.isEmpty() ? "every encode task runs on cuda:N, N = its GPU address"
                        : notOnGpu.size() + " of " + tasks.size() + " tasks did not: " + notOnGpu.get(0).runsOn()));
    }

    /** Every executor's stderr under a Worker's work dir (app-id/exec-id/stderr), concatenated. */
    private static String executorLogs(Path workerDir) throws IOException {
        if (!Files.isDirectory(workerDir)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(workerDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList()) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return sb.toString();
    }

    private static void skipRest(GpuCheckReport report, String why) {
        for (String name : List.of("index_job_succeeded", "encode_stage_gpu_profile",
                "encode_tasks_asked_for_their_gpu", "encode_tasks_ran_on_cuda")) {
            report.add(CheckResult.skipped(name, "not run: " + why));
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
