package io.tartan.jobs.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line that {@code EncodeResources} logs per encode task on an executor: the GPU addresses Spark assigned the
 * task and the device the encoder asked for.
 */
record EncodeTaskLog(int stage, int partition, String gpu, String requested) {
    private static final Pattern LINE = Pattern.compile(
            "encode task (\\d+)\\.(\\d+) attempt \\d+ \\(TID \\d+\\): gpu addresses \\[([^]]*)], encoder "
                    + "requested (\\S+),");

    static List<EncodeTaskLog> parse(String logs) {
        List<EncodeTaskLog> out = new ArrayList<>();
        Matcher m = LINE.matcher(logs);
        while (m.find()) {
            out.add(new EncodeTaskLog(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3),
                    m.group(4)));
        }
        return out;
    }
}
