package io.tartan.jobs.maintenance;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context in local[2] on loopback, as the maintenance and update job tests run it. */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static JavaSparkContext start(String appName) {
        return new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.sql.shuffle.partitions", "2"));
    }
}
