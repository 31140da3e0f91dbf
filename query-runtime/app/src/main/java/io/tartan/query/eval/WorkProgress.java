package io.tartan.query.eval;

import java.util.function.Consumer;

/**
 * Progress of long work outside Spark, as the jobs log theirs (TaskProgress, QueryProgress): done of total, the rate
 * and an ETA, e.g. {@code exact-float: 12000/50000 documents encoded and scored in 61 s (197/s), ETA 193 s}, at most
 * once per interval, and a last line when the work ends.
 */
final class WorkProgress {
    private final String what;
    private final String unit;
    private final long total;
    private final long everyNanos;
    private final Consumer<String> sink;
    private final long start = System.nanoTime();
    private long lastLine = start;
    private long done;

    /**
     * @param what       the work, first on each line ({@code exact-float})
     * @param unit       what is counted ({@code documents encoded and scored})
     * @param total      units to do (the ETA's base)
     * @param everyNanos least time between two lines (0: a line per {@link #advance})
     */
    WorkProgress(String what, String unit, long total, long everyNanos, Consumer<String> sink) {
        this.what = what;
        this.unit = unit;
        this.total = total;
        this.everyNanos = everyNanos;
        this.sink = sink;
    }

    /** Counts {@code n} more units done; logs a line if the interval has passed. */
    void advance(long n) {
        done += n;
        long now = System.nanoTime();
        if (n > 0 && now - lastLine >= everyNanos) {
            lastLine = now;
            sink.accept(line(now));
        }
    }

    /** The last line: the count and the time it took. */
    void finish() {
        double s = (System.nanoTime() - start) / 1e9;
        sink.accept(what + ": " + done + " " + unit + " in " + String.format("%.0f", s) + " s ("
                + String.format("%.0f", done / Math.max(s, 1e-9)) + "/s), done");
    }

    private String line(long now) {
        double s = (now - start) / 1e9;
        double rate = done / Math.max(s, 1e-9);
        String eta = done == 0 ? "unknown" : String.format("%.0f s", Math.max(0, total - done) / rate);
        return what + ": " + done + "/" + total + " " + unit + " in " + String.format("%.0f", s) + " s ("
                + String.format("%.0f", rate) + "/s), ETA " + eta;
    }
}
