package io.tartan.jobs.maintenance;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.function.Function;

/**
 * Runs a maintenance command the way operators and cron expect: usage errors exit 2, a failure exits 1 with one
 * line naming the command and the cause (the stack trace only with {@code TARTAN_DEBUG=1}).
 */
public final class MaintenanceCli {
    private MaintenanceCli() {
    }

    public static int execute(Object command, String... args) {
        return execute(command, args, System.err);
    }

    public static int execute(Object command, String[] args, PrintStream err) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        String name = cl.getCommandName();
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("tartan " + name + ": " + e.getMessage());
            if ("1".equals(System.getenv("TARTAN_DEBUG"))) {
                e.printStackTrace(c.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    /** Parses {@code args} into {@code command} (a job run on a caller's Spark context); usage errors throw. */
    public static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    /**
     * The body of a spark-submit main: runs {@code job} on the Spark context spark-submit configured, prints what it
     * returns, and stops the context, also on failure.
     */
    public static int inSpark(String appName, Function<JavaSparkContext, String> job) {
        SparkContext sc = SparkContext.getOrCreate(new SparkConf().setAppName(appName));
        try {
            System.out.println(job.apply(JavaSparkContext.fromSparkContext(sc)));
        } finally {
            sc.stop();
        }
        return 0;
    }
}
