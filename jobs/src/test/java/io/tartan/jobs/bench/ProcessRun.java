package io.tartan.jobs.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the GPU check (a script, a JVM, nvidia-smi): stdout and stderr together in a log file, a
 * bounded wait, and the whole process tree killed when it runs over.
 *
 * @param exitCode the exit status, or -1 when it was killed for running over
 * @param output   everything it printed
 */
record ProcessRun(int exitCode, String output) {
    boolean ok() {
        return exitCode == 0;
    }

    /** The last {@code lines} lines of the output, for error messages. */
    String tail(int lines) {
        List<String> all = output.strip().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static ProcessRun run(List<String> command, Map<String, String> env, Path dir, Path log, Duration timeout) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            // a developer's Spark distribution must not replace the jars under test
            pb.environment().remove("SPARK_HOME");
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return new ProcessRun(done ? p.exitValue() : -1,
                    done ? out : out + "\n(killed after " + timeout.toSeconds() + " s)");
        } catch (IOException e) {
            return new ProcessRun(127, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while running " + command.get(0)));
        }
    }
}
