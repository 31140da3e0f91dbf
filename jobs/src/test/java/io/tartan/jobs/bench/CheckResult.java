package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * One verdict of scripts/gpu-check.sh. SKIPPED is for what this run could not observe (a fake GPU, a step that never
 * ran because an earlier one failed): it never counts as a pass, and the report says why it was skipped.
 */
record CheckResult(String name, Status status, String detail) {
    enum Status { PASS, FAIL, SKIPPED }

    static CheckResult of(String name, boolean ok, String detail) {
        return new CheckResult(name, ok ? Status.PASS : Status.FAIL, detail);
    }

    static CheckResult skipped(String name, String why) {
        return new CheckResult(name, Status.SKIPPED, why);
    }

    /**
     * A check about real GPU hardware: judged on a real run; on a fake one, skipped with what was observed instead.
     */
    static CheckResult onGpu(boolean fake, String name, boolean ok, String detail) {
        return fake ? skipped(name, "fake GPU, not judged; observed: " + detail) : of(name, ok, detail);
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name);
        o.put("status", status.name().toLowerCase(Locale.ROOT));
        o.put("detail", detail);
        return o;
    }
}
