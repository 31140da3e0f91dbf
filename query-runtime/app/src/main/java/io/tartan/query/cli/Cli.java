package io.tartan.query.cli;

import picocli.CommandLine;

/** Runs a picocli command the way every {@code tartan} subcommand reports failures: one line, exit code 1. */
final class Cli {
    private Cli() {
    }

    static int execute(String name, Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("tartan " + name + ": " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}
