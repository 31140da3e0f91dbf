package io.tartan.jobs.stage;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress lines of a real Spark stage whose tasks fail once before succeeding (local[1, 4]: retried in place). */
class TaskProgressTest {

    @Test
    void failedAttemptsAreNotCountedAsDone() throws Exception {
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[1,4]").setAppName("progress")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        try {
            // registered before TaskProgress, so on the same listener queue it has seen each task end first
            Set<Integer> succeeded = Collections.synchronizedSet(new HashSet<>());
            List<Integer> failures = Collections.synchronizedList(new ArrayList<>());
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (e.taskInfo().successful()) {
                        succeeded.add(e.taskInfo().index());
                    } else {
                        failures.add(e.taskInfo().index());
                    }
                }
            });
            List<TaskProgress.Line> lines = Collections.synchronizedList(new ArrayList<>());
            List<Integer> truth = Collections.synchronizedList(new ArrayList<>());
            sc.sc().addSparkListener(new TaskProgress(0, line -> {
                lines.add(line);
                truth.add(succeeded.size());
            }));
            sc.setJobDescription("flaky stage");
            long n = sc.parallelize(IntStream.range(0, 40).boxed().toList(), 4).map(i -> {
                if (TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("first attempt of every task fails");
                }
                return i;
            }).count();
            assertEquals(40, n);
            sc.sc().listenerBus().waitUntilEmpty();

            assertEquals(4, failures.size(), "every task failed once");
            assertFalse(lines.isEmpty());
            for (int i = 0; i < lines.size(); i++) {
                TaskProgress.Line line = lines.get(i);
                assertEquals("flaky stage", line.stage());
                assertEquals(4, line.tasks());
                assertEquals(truth.get(i), line.done(), "line " + line + " counts only successful tasks");
                assertTrue(line.done() < 4);
            }
            assertEquals(List.of(1, 2, 3), lines.stream().map(TaskProgress.Line::done).toList());
        } finally {
            sc.stop();
        }
    }
}
