package io.tartan.jobs.stage;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs task progress of long Spark stages with an ETA (elapsed time ÷ tasks done × tasks left), at most
 * every ten seconds per stage, so a user watching a big build sees it move. Stages are named by the job description
 * the driver sets before each action.
 */
public final class TaskProgress extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProgress.class);
    private static final long EVERY_NANOS = 10_000_000_000L;

    private final Map<Integer, Progress> stages = new ConcurrentHashMap<>();

    private static final class Progress {
        final String name;
        final int tasks;
        final long start = System.nanoTime();
        int done;
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
        if (p == null) {
            return;
        }
        synchronized (p) {
            p.done++;
            long now = System.nanoTime();
            if (p.done < p.tasks && now - p.lastLog >= EVERY_NANOS) {
                p.lastLog = now;
                double elapsed = (now - p.start) / 1e9;
                double eta = elapsed / p.done * (p.tasks - p.done);
                LOG.info("{}: {}/{} tasks done in {} s, ETA {} s", p.name, p.done, p.tasks,
                        String.format("%.0f", elapsed), String.format("%.0f", eta));
            }
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        stages.remove(e.stageInfo().stageId());
    }
}
