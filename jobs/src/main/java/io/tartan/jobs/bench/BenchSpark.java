package io.tartan.jobs.bench;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark context the benchmarks build indexes with, started on first use: in this JVM, {@code local[*]} unless
 * {@code TARTAN_MASTER} names another master (as for {@code tartan index}), on loopback, no UI. Closed before
 * latencies are measured, so no idle executor threads share the cores with the timed queries.
 */
final class BenchSpark implements AutoCloseable {
    private final String appName;
    private JavaSparkContext sc;

    BenchSpark(String appName) {
        this.appName = appName;
    }

    JavaSparkContext get() {
        if (sc == null) {
            String master = System.getenv().getOrDefault("TARTAN_MASTER", "local[*]");
            sc = new JavaSparkContext(new SparkConf().setMaster(master).setAppName(appName)
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1"));
        }
        return sc;
    }

    @Override
    public void close() {
        if (sc != null) {
            sc.stop();
            sc = null;
        }
    }
}
