package io.tartan.query.cli;

import io.tartan.query.Partition;
import picocli.CommandLine;

/** Parses {@code --partition i/n}; anything else is rejected with a message saying what is expected. */
final class PartitionOption implements CommandLine.ITypeConverter<Partition> {
    @Override
    public Partition convert(String value) {
        String[] p = value.trim().split("/", -1);
        if (p.length != 2) {
            throw bad(value, "expected i/n, e.g. 0/3 for the first of 3 partitions");
        }
        int i;
        int n;
        try {
            i = Integer.parseInt(p[0].trim());
            n = Integer.parseInt(p[1].trim());
        } catch (NumberFormatException e) {
            throw bad(value, "i and n must be integers, e.g. 0/3");
        }
        if (n < 1 || i < 0 || i >= n) {
            throw bad(value, "need 0 <= i < n and n >= 1 (partitions are numbered from 0)");
        }
        return new Partition(i, n);
    }

    private static CommandLine.TypeConversionException bad(String value, String why) {
        return new CommandLine.TypeConversionException("'" + value + "' is not a partition: " + why);
    }
}
