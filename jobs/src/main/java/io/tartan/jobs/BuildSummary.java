package io.tartan.jobs;

import io.tartan.jobs.stage.KernelUsage;
import io.tartan.jobs.stage.MemoryPeaks;

import java.util.List;
import java.util.Map;

/**
 * What an {@link IndexJob} run did, printed at the end and written as {@code metadata/v<N>.summary.json} next to the
 * manifest it committed (snake_case keys).
 *
 * @param tokens      token vectors stored (after pooling); {@code bytes_per_token} divides the vector index by it
 * @param poolFactor  the build's {@code pool_factor} (1 = no pooling)
 * @param inputTokens tokens the documents had before pooling (the encoder's output, or the input vectors)
 * @param storedTokens token vectors stored: {@code tokens}, named beside {@code input_tokens}
 * @param bytesPerInputToken bytes of the vector index (codec, shards, IVF) per input token: what pooling saves
 * @param encodedDocs documents run through the encoder over the whole job; equals {@code documents} for text input
 *                    when pass 2 reused every pass-1 vector (0 for precomputed vectors)
 * @param reusedDocs  documents whose pass-1 vectors pass 2 reused instead of encoding again
 * @param assignmentExactShare share of sampled tokens the two-level centroid search assigns to the exact nearest
 *                    centroid (1.0 when brute force is used)
 * @param seconds     wall seconds per stage, and {@code total}
 * @param taskSeconds pass-2 task seconds summed over tasks: encode, assign, compress, write
 * @param kernels     the kernel implementation on the driver and on each executor that ran a pass-2 task
 * @param memory      peak driver heap (after garbage collection), the largest task's peak execution memory, the
 *                    largest executor heap and the bytes spilled, from the JVM and Spark's task metrics
 */
public record BuildSummary(String index, String input, String format, long version, long snapshotId, long rowsRead,
        long documents, long rejected, Map<String, Long> rejectedByKind, String rejectedDir, long tokens,
        long totalBytes, double bytesPerToken, int poolFactor, long inputTokens, long storedTokens,
        double bytesPerInputToken, int dim, int nbits, int ncentroids, int shards, long sampleDocs,
        long kmeansPoints, List<Double> kmeansScores, int kmeansReseeded, double assignmentExactShare,
        long encodedDocs, long reusedDocs, Map<String, Double> seconds, Map<String, Double> taskSeconds,
        KernelUsage kernels, MemoryPeaks.Summary memory) {

    public String toJson() {
        return SummaryJson.write(this);
    }
}
