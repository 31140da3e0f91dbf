package io.tartan.jobs.stage;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Logs task progress of long Spark stages with an ETA (elapsed time ÷ tasks done × tasks left), at most
 * every ten seconds per stage, so a user watching a big build sees it move. Stages are named by the job description
 * the driver sets before each action.
 *
 * <p>A task is done when one of its attempts succeeds: failed or killed attempts (retried after an executor loss,
 * losing speculative copies) end too, and counting them would show the stage further along than it is.
 */
public final class TaskProgress extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProgress.class);
    private static final long EVERY_NANOS = 10_000_000_000L;

    /** One progress report. */
    public record Line(String stage, int done, int tasks, double elapsedSeconds, double etaSeconds) {
        @Override
        public String toString() {
            return stage + ": " + done + "/" + tasks + " tasks done in " + String.format("%.0f", elapsedSeconds)
                    + " s, ETA " + String.format("%.0f", etaSeconds) + " s";
        }
    }

    private final Map<Integer, Progress> stages = new ConcurrentHashMap<>();
    private final long everyNanos;
    private final Consumer<Line> sink;

    public TaskProgress() {
        this(EVERY_NANOS, line -> LOG.info("{}", line));
    }

    /** @param everyNanos least time between two lines of a stage (0: a line after every successful task) */
    TaskProgress(long everyNanos, Consumer<Line> sink) {
        this.everyNanos = everyNanos;
        this.sink = sink;
    }

    private static final class Progress {
        final String name;
        final int tasks;
        final long start = System.nanoTime();
        /** Task indexes with a successful attempt; a second success (speculation) is not a second task. */
        final BitSet succeeded = new BitSet();
        long lastLog = System.nanoTime();

        Progress(String name, int tasks) {
            this.name = name;
            this.tasks = tasks;
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        String desc = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        stages.put(e.stageInfo().stageId(), new Progress(desc == null ? e.stageInfo().name() : desc,
                e.stageInfo().numTasks()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        Progress p = stages.get(e.stageId());
        if (p == null || e.taskInfo() == null || !e.taskInfo().successful()) {
            return;
        }
        Line line = null;
        synchronized (p) {
            if (p.succeeded.get(e.taskInfo().index())) {
                return;
            }
            p.succeeded.set(e.taskInfo().index());
            int done = p.succeeded.cardinality();
            long now = System.nanoTime();
            if (done < p.tasks && now - p.lastLog >= everyNanos) {
                p.lastLog = now;
                double elapsed = (now - p.start) / 1e9;
                line = new Line(p.name, done, p.tasks, elapsed, elapsed / done * (p.tasks - done));
            }
        }
        if (line != null) {
            sink.accept(line);
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        stages.remove(e.stageInfo().stageId());
    }
}
