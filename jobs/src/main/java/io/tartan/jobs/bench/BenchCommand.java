package io.tartan.jobs.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tartan bench synth|text|scaling|filters|headline|exact-topk|search-batch|pooling}: the commands that regenerate
 * the benchmark tables and charts of docs/BENCHMARKS.md ({@code headline} formats the headline table from a synth run
 * and a JMH kernel run; {@code pooling} compares pool factors). Each builds its indexes with the real IndexJob (Spark
 * in this JVM, {@code local[*]}), then opens them with the query runtime and runs the queries one at a time on one
 * thread.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Regenerate Tartan's benchmark figures.",
        subcommands = {SynthBench.class, TextBench.class, ScalingBench.class, FiltersBench.class, HeadlineBench.class,
                ExactTopKBench.class, SearchBatchBench.class, PoolingBench.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("tartan bench " + c.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark family: synth, text, scaling, filters or headline");
    }
}
