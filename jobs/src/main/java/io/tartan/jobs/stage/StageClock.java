package io.tartan.jobs.stage;

import org.slf4j.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Times the job's stages and logs one line per stage with its counts and rate; the seconds go to the summary. */
public final class StageClock {
    private final Logger log;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long start = System.nanoTime();

    public StageClock(Logger log) {
        this.log = log;
    }

    public <T> T time(String stage, Supplier<T> body) {
        if (!seconds.containsKey(stage)) {
            log.info("stage {}: started", stage);
        }
        long t0 = System.nanoTime();
        T out = body.get();
        seconds.merge(stage, (System.nanoTime() - t0) / 1e9, Double::sum);
        return out;
    }

    /** Logs the stage's result: {@code what} counted {@code count} times in the stage's time. */
    public void done(String stage, String what, long count, String extra) {
        double s = seconds.getOrDefault(stage, 0.0);
        log.info("stage {}: {} {} in {} s ({}/s){}", stage, count, what, String.format("%.1f", s),
                String.format("%.0f", count / Math.max(s, 1e-9)), extra == null || extra.isEmpty() ? "" : "; " + extra);
    }

    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>(seconds);
        out.put("total", (System.nanoTime() - start) / 1e9);
        return out;
    }
}
