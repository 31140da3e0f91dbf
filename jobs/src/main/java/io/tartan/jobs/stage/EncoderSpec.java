package io.tartan.jobs.stage;

import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.ExecutionDevice;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.io.Serializable;

/**
 * What every executor needs to open the same encoder: the model config location and the settings that override
 * it. Executors open it through {@link TokenEncoders#shared}, so all tasks of one executor JVM share one ONNX session.
 *
 * @param modelConfig model config path or {@code classpath:}; empty for the bundled e5-small-v2
 * @param docMaxlen   0 keeps the config's doc_maxlen
 * @param device      {@code cpu}, {@code cuda:N}, or {@code gpu}: the GPU address Spark assigned the task
 * @param threads     ONNX intra-op threads
 * @param batchSize   documents per ONNX run
 */
public record EncoderSpec(String modelConfig, int docMaxlen, String device, int threads, int batchSize)
        implements Serializable {

    public EncoderConfig config() {
        EncoderConfig c = modelConfig == null || modelConfig.isBlank() ? EncoderConfig.bundled()
                : EncoderConfig.load(modelConfig);
        return docMaxlen > 0 ? c.withDocMaxlen(docMaxlen) : c;
    }

    /** The JVM-wide encoder for this spec (on the device of the current task when {@code device} is {@code gpu}). */
    public TokenEncoder open() {
        ExecutionDevice d = resolveDevice();
        EncoderOptions o = EncoderOptions.defaultsFor(d).withIntraOpThreads(threads).withBatchSize(batchSize);
        TokenEncoder e = TokenEncoders.shared(config(), o);
        if ("gpu".equalsIgnoreCase(device)) {
            EncodeResources.logTaskDevice(e.device());
        }
        return e;
    }

    private ExecutionDevice resolveDevice() {
        if (!"gpu".equalsIgnoreCase(device)) {
            return ExecutionDevice.parse(device);
        }
        TaskContext tc = TaskContext.get();
        ResourceInformation gpu = tc == null ? null : tc.resourcesJMap().get("gpu");
        return gpu == null || gpu.addresses().length == 0 ? ExecutionDevice.cpu() : ExecutionDevice.parse(gpu.addresses()[0]);
    }
}
