package io.tartan.jobs.cluster;

import io.tartan.encoders.TokenEncoder;
import io.tartan.jobs.stage.EncodeResources;
import io.tartan.jobs.stage.EncoderSpec;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs Tartan's GPU wiring on a cluster without running a whole index build: one ordinary stage and one encode stage
 * ({@link EncodeResources#forEncodeStage}, {@link EncoderSpec} with device {@code gpu}, which encodes a document),
 * and writes one line per task: {@code plain|encode stage partition executor gpu=[addresses] requested=… actual=…
 * rows=…}.
 *
 * <p>Arguments: {@code out partitions}.
 */
public final class GpuProbeJob {
    private GpuProbeJob() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int partitions = Integer.parseInt(args[1]);
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("gpu-probe"))) {
            JavaRDD<Integer> data = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions);
            List<String> lines = new ArrayList<>(data.mapPartitions(it -> one(task("plain", "-", "-", 0))).collect());
            EncoderSpec spec = new EncoderSpec("", 0, "gpu", 1, 8);
            JavaRDD<String> encode = data.mapPartitions(it -> {
                TokenEncoder e = spec.open();
                int rows = e.encodeDocument("late interaction retrieval on a cluster").numTokens();
                return one(task("encode", e.device().requested().toString(), e.device().actual().toString(), rows));
            });
            lines.addAll(EncodeResources.forEncodeStage(encode, spec.device()).collect());
            Files.write(out, lines, StandardCharsets.UTF_8);
        }
    }

    private static String task(String kind, String requested, String actual, int rows) {
        TaskContext tc = TaskContext.get();
        ResourceInformation gpu = tc.resourcesJMap().get(EncodeResources.GPU);
        String addresses = gpu == null ? "[]" : Arrays.toString(gpu.addresses()).replace(" ", "");
        return kind + " stage=" + tc.stageId() + " partition=" + tc.partitionId() + " executor="
                + SparkEnv.get().executorId() + " gpu=" + addresses + " requested=" + requested + " actual=" + actual
                + " rows=" + rows;
    }

    private static Iterator<String> one(String s) {
        return List.of(s).iterator();
    }
}
