package io.tartan.jobs.maintenance;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;

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
}
