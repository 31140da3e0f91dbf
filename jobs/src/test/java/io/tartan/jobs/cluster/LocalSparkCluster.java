package io.tartan.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on loopback for tests: a Master and N Workers as child JVMs of the test, run from
 * the Maven jars (see {@link SparkHome}), and jobs submitted to it the way {@code spark-submit} does
 * ({@code org.apache.spark.deploy.SparkSubmit} in its own JVM, client mode). Every port is chosen by the OS (port 0)
 * and read back from the logs, so parallel builds never collide. {@code scripts/local-cluster.sh} starts the same
 * cluster by hand.
 *
 * <pre>
 * try (LocalSparkCluster c = LocalSparkCluster.start(dir, shadedJar, LocalSparkCluster.Options.workers(2))) {
 *     ChildJvm driver = c.submit("index", List.of("--class", "io.tartan.jobs.IndexJob"), shadedJar, args);
 *     assertEquals(0, driver.awaitExit(Duration.ofMinutes(5)));
 * }
 * </pre>
 */
public final class LocalSparkCluster implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");

    /**
     * @param workers         number of Worker JVMs
     * @param coresPerWorker  cores each Worker offers (one executor of one core each by default)
     * @param workerMemory    memory each Worker offers, e.g. {@code 2g}
     * @param gpusPerWorker   GPUs each Worker offers (0 = none)
     * @param gpuDiscovery    the Workers' GPU discovery script (when {@code gpusPerWorker > 0})
     * @param workerEnv       extra environment of Worker {@code i} (its discovery script inherits it)
     */
    public record Options(int workers, int coresPerWorker, String workerMemory, int gpusPerWorker, Path gpuDiscovery,
            List<Map<String, String>> workerEnv) {
        public static Options workers(int n) {
            return new Options(n, 1, "2g", 0, null, List.of());
        }

        public Options withGpus(int perWorker, Path discoveryScript, List<Map<String, String>> envPerWorker) {
            return new Options(workers, coresPerWorker, workerMemory, perWorker, discoveryScript, envPerWorker);
        }
    }

    private final Path workDir;
    private final SparkHome sparkHome;
    private final ChildJvm master;
    private final List<ChildJvm> workers = new ArrayList<>();
    private final List<ChildJvm> drivers = new ArrayList<>();
    private String masterUrl;

    private LocalSparkCluster(Path workDir, SparkHome sparkHome, ChildJvm master) {
        this.workDir = workDir;
        this.sparkHome = sparkHome;
        this.master = master;
    }

    /** Starts a Master and {@code options.workers()} Workers and waits until every Worker has registered. */
    public static LocalSparkCluster start(Path workDir, Path appJar, Options options) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        SparkHome home = SparkHome.create(workDir.resolve("spark-home"), appJar);
        ChildJvm master = ChildJvm.start("spark-master", home.classpath(), daemonJvmOptions(workDir, "master"),
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"),
                env(home, Map.of()), workDir.resolve("logs/master.log"));
        LocalSparkCluster cluster = new LocalSparkCluster(workDir, home, master);
        try {
            cluster.masterUrl = master.awaitLog(MASTER_URL, START_TIMEOUT);
            for (int i = 0; i < options.workers(); i++) {
                cluster.workers.add(cluster.startWorker(i, options));
            }
            for (ChildJvm w : cluster.workers) {
                w.awaitLog(REGISTERED, START_TIMEOUT);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private ChildJvm startWorker(int i, Options options) {
        String name = "worker-" + i;
        Path dir = workDir.resolve(name);
        List<String> jvm = new ArrayList<>(daemonJvmOptions(workDir, name));
        // Worker settings are JVM properties: SPARK_WORKER_OPTS is read only by Spark's sbin scripts
        if (options.gpusPerWorker() > 0) {
            jvm.add("-Dspark.worker.resource.gpu.amount=" + options.gpusPerWorker());
            jvm.add("-Dspark.worker.resource.gpu.discoveryScript=" + options.gpuDiscovery().toAbsolutePath());
        }
        Map<String, String> extraEnv = i < options.workerEnv().size() ? options.workerEnv().get(i) : Map.of();
        return ChildJvm.start(name, sparkHome.classpath(), jvm, "org.apache.spark.deploy.worker.Worker",
                List.of(masterUrl, "--host", "127.0.0.1", "--webui-port", "0",
                        "--cores", String.valueOf(options.coresPerWorker()), "--memory", options.workerMemory(),
                        "--work-dir", dir.toAbsolutePath().toString()),
                env(sparkHome, extraEnv), workDir.resolve("logs/" + name + ".log"));
    }

    private static List<String> daemonJvmOptions(Path workDir, String name) {
        List<String> o = new ArrayList<>(ChildJvm.sparkJvmOptions());
        o.add("-Xmx512m");
        o.add("-XX:+UseSerialGC");
        Path tmp = workDir.resolve("tmp/" + name).toAbsolutePath();
        o.add("-Djava.io.tmpdir=" + tmp);
        // executors inherit their local dirs (shuffle, block manager) from the Worker's spark.local.dir
        o.add("-Dspark.local.dir=" + tmp);
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
        return o;
    }

    /**
     * What a Worker needs to launch executors from this SPARK_HOME: without SPARK_SCALA_VERSION the launcher looks
     * for a Spark source build ("Cannot find any build directories").
     */
    private static Map<String, String> env(SparkHome home, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", home.dir().toAbsolutePath().toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.putAll(extra);
        return env;
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    public Path workDir() {
        return workDir;
    }

    int workerCount() {
        return workers.size();
    }

    ChildJvm worker(int i) {
        return workers.get(i);
    }

    /**
     * Submits {@code appJar} in a new driver JVM (client mode, like {@code spark-submit --master spark://…}) with
     * this cluster's loopback settings, then {@code submitOptions} (e.g. {@code --class}, {@code --conf k=v},
     * {@code --jars}), then the application's arguments. The caller waits with {@link ChildJvm#awaitExit}.
     */
    public ChildJvm submit(String name, List<String> submitOptions, Path appJar, List<String> appArgs) {
        Path tmp = workDir.resolve("tmp/" + name).toAbsolutePath();
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
        List<String> jvm = new ArrayList<>(ChildJvm.sparkJvmOptions());
        jvm.add("-Xmx1g");
        jvm.add("-Djava.io.tmpdir=" + tmp);
        List<String> args = new ArrayList<>(List.of("--master", masterUrl,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.local.dir=" + tmp,
                "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.extraJavaOptions=-Djava.io.tmpdir=" + tmp + " -XX:+UseSerialGC"));
        args.addAll(submitOptions);
        args.add(appJar.toAbsolutePath().toString());
        args.addAll(appArgs);
        ChildJvm driver = ChildJvm.start("driver-" + name, sparkHome.classpath(), jvm,
                "org.apache.spark.deploy.SparkSubmit", args, env(sparkHome, Map.of()),
                workDir.resolve("logs/driver-" + name + ".log"));
        drivers.add(driver);
        return driver;
    }

    /** Crashes Worker {@code i} and its executors (SIGKILL), as a lost machine would. */
    public void killWorker(int i) {
        workers.get(i).kill();
    }

    /** The stderr files (Spark's executor logs) of every executor any Worker has launched. */
    public List<Path> executorLogs() {
        return executorLogs("");
    }

    /** The executor logs of one application ({@code app-…}; a Worker keeps them under work-dir/app-id/exec-id/). */
    public List<Path> executorLogs(String appId) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Path dir = workDir.resolve("worker-" + i);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.getFileName().toString().equals("stderr"))
                        .filter(p -> appId.isEmpty() || p.getParent().getParent().getFileName().toString().equals(appId))
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The executor logs of one application, concatenated. */
    public String executorLogText(String appId) {
        StringBuilder sb = new StringBuilder();
        for (Path p : executorLogs(appId)) {
            try {
                sb.append(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return sb.toString();
    }

    /** Stops drivers, Workers (and their executors), then the Master; SIGKILL after a grace period. */
    @Override
    public void close() {
        for (ChildJvm d : drivers) {
            d.close();
        }
        for (ChildJvm w : workers) {
            w.close();
        }
        master.close();
        deleteAppJarCopies();
    }

    /**
     * Each executor's folder holds a copy of the application jars (the shaded jar is 155 MB); the logs beside them
     * stay for diagnosis under the build's temp dir.
     */
    private void deleteAppJarCopies() {
        for (int i = 0; i < workers.size(); i++) {
            Path dir = workDir.resolve("worker-" + i);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a leftover copy under target/ is harmless; the next `mvn clean` removes it
            }
        }
    }
}
