package io.tartan.jobs.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line that {@code EncodeResources} logs per encode task on an executor: the GPU addresses Spark assigned the
 * task, the device the encoder asked for, and where it runs ({@code cuda:N}, or {@code cpu (requested cuda:N: why)}
 * after a fallback).
 */
public record EncodeTaskLog(int stage, int partition, String gpu, String requested, String runsOn) {
    private static final Pattern LINE = Pattern.compile(
            "encode task (\\d+)\\.(\\d+) attempt \\d+ \\(TID \\d+\\): gpu addresses \\[([^]]*)], encoder "
                    + "requested (\\S+), runs on ([^\\r\\n]*)");

    /** Every encode-task line in {@code logs} (executor logs, concatenated), in order. */
    public static List<EncodeTaskLog> parse(String logs) {
        List<EncodeTaskLog> out = new ArrayList<>();
        Matcher m = LINE.matcher(logs);
        while (m.find()) {
            out.add(new EncodeTaskLog(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3),
                    m.group(4), m.group(5).strip()));
        }
        return out;
    }

    /** The task held one GPU and the encoder asked for exactly that device. */
    public boolean askedForAssignedGpu() {
        return !gpu.isEmpty() && !gpu.contains(",") && requested.equals("cuda:" + gpu.strip());
    }

    /** The encoder's session runs on the task's GPU (no CPU fallback). */
    public boolean ranOnAssignedGpu() {
        return askedForAssignedGpu() && runsOn.equals(requested);
    }
}
