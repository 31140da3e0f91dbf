package io.tartan.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Java child process of a test (a Spark Master, Worker or spark-submit driver): its stdout and stderr go to a log
 * file the test can search, every wait is bounded, and a JVM shutdown hook kills it (and whatever it launched, e.g.
 * a Worker's executors) if the test run dies before {@link #close()}.
 */
final class ChildJvm implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 60;

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread shutdownHook;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(this::kill, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code java [jvmOptions] -cp classpath mainClass args} with {@code env} added to this JVM's environment.
     */
    static ChildJvm start(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            return new ChildJvm(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Spark's JVM options (the {@code tartan.jvm.opens} property the build passes), split into arguments. */
    static List<String> sparkJvmOptions() {
        String opens = System.getProperty("tartan.jvm.opens", "");
        return opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until the log matches {@code pattern} and returns the first match's group 1 (or the whole match).
     *
     * @throws IllegalStateException naming the process and quoting its log tail if it exits or the time runs out
     */
    String awaitLog(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(readLog());
            if (m.find()) {
                return m.groupCount() >= 1 ? m.group(1) : m.group();
            }
            if (!process.isAlive()) {
                throw failure(name + " exited with status " + process.exitValue() + " before its log showed /"
                        + pattern + "/");
            }
            if (System.nanoTime() > deadline) {
                throw failure(name + " did not log /" + pattern + "/ within " + timeout.toSeconds() + " s");
            }
            sleep(200);
        }
    }

    /** Waits until {@code condition} holds for the log text, as {@link #awaitLog} does for a pattern. */
    void awaitLog(String what, Predicate<String> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(readLog())) {
            if (!process.isAlive()) {
                throw failure(name + " exited with status " + process.exitValue() + " before " + what);
            }
            if (System.nanoTime() > deadline) {
                throw failure(name + ": no " + what + " within " + timeout.toSeconds() + " s");
            }
            sleep(200);
        }
    }

    /** Waits for the process to exit and returns its status; kills it and throws if it runs past {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        throw failure(name + " did not finish within " + timeout.toSeconds() + " s (killed)");
    }

    /** SIGKILL to every process this one started, then to this one: a crash, not a shutdown. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (Spark's daemons stop their executors on it), then {@link #kill()} after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; kill() is idempotent
        }
    }

    String readLog() {
        try {
            // not readString: a stray non-UTF-8 byte from a native library must not fail the test
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    String logTail() {
        List<String> lines = readLog().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    IllegalStateException failure(String message) {
        return new IllegalStateException(message + "\n--- last lines of " + log + " ---\n" + logTail());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
