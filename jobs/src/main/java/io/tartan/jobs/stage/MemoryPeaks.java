package io.tartan.jobs.stage;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Memory a job needed, for its summary: the driver's heap after each garbage collection (what was live, not garbage
 * waiting to be collected; its peak is what had to fit), and from Spark's task metrics the task with the largest
 * peak execution memory (sort, aggregation and shuffle buffers), the largest executor JVM heap Spark's executor
 * metrics saw, and what spilled. In local mode the driver is the executor too, so its heap holds the cached blocks.
 * Start before the job's first action, {@link #close()} after its last.
 */
public final class MemoryPeaks extends SparkListener implements AutoCloseable {
    private static final String JVM_HEAP = "JVMHeapMemory";

    /** The figures, in bytes. */
    public record Summary(long driverHeapMaxBytes, long peakDriverHeapBytes, long peakExecutorHeapBytes,
            long largestTaskPeakExecutionMemoryBytes, String largestTaskStage, long largestTaskResultBytes,
            long memorySpilledBytes, long diskSpilledBytes) {
    }

    private final Map<Integer, String> stageNames = new ConcurrentHashMap<>();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final NotificationListener onGc = this::onGc;
    private long peakDriverHeap;
    private long peakExecutorHeap;
    private long largestTaskPeak = -1;
    private String largestTaskStage = "";
    private long largestTaskResult;
    private long memorySpilled;
    private long diskSpilled;

    public MemoryPeaks() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(onGc, null, null);
            }
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        synchronized (this) {
            peakDriverHeap = Math.max(peakDriverHeap, used);
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        String desc = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        stageNames.put(e.stageInfo().stageId(), desc == null ? e.stageInfo().name() : desc);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        TaskMetrics m = e.taskMetrics();
        if (m != null) {
            if (m.peakExecutionMemory() > largestTaskPeak) {
                largestTaskPeak = m.peakExecutionMemory();
                largestTaskStage = stageNames.getOrDefault(e.stageId(), "stage " + e.stageId());
            }
            largestTaskResult = Math.max(largestTaskResult, m.resultSize());
            memorySpilled += m.memoryBytesSpilled();
            diskSpilled += m.diskBytesSpilled();
        }
        executorHeap(e.taskExecutorMetrics());
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
        scala.jdk.javaapi.CollectionConverters.asJava(e.executorUpdates()).values().forEach(this::executorHeap);
    }

    private synchronized void executorHeap(ExecutorMetrics m) {
        if (m != null) {
            peakExecutorHeap = Math.max(peakExecutorHeap, m.getMetricValue(JVM_HEAP));
        }
    }

    /** The peaks so far; the driver's includes its heap now, for a job too short to have collected garbage. */
    public synchronized Summary summary() {
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long driver = peakDriverHeap > 0 ? peakDriverHeap : now;
        return new Summary(Runtime.getRuntime().maxMemory(), driver, peakExecutorHeap, Math.max(0, largestTaskPeak),
                largestTaskStage, largestTaskResult, memorySpilled, diskSpilled);
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                try {
                    e.removeNotificationListener(onGc);
                } catch (ListenerNotFoundException ignored) {
                    // never added to this collector
                }
            }
        }
    }
}
