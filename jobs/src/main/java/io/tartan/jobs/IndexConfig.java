package io.tartan.jobs;

import io.tartan.format.bm25.TextAnalysis;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link IndexJob} run, with ColBERT's names where ColBERT has one. They come from a properties file
 * ({@code --conf FILE}, see {@code conf/index.properties}) and/or command-line flags ({@code --nbits 2} or
 * {@code --kmeans-niters 4}: dashes and underscores are the same); flags win. Unknown keys are errors, so a typo
 * never silently falls back to a default.
 *
 * @param input                      corpus URI (file, directory, {@code file:} or {@code s3a:})
 * @param output                     index root URI
 * @param format                     {@code jsonl}, {@code parquet}, {@code npy}, {@code parquet-vectors}, or
 *                                   {@code auto} (by file names)
 * @param modelConfig                encoder model config (path or {@code classpath:}); empty = bundled e5-small-v2
 * @param nbits                      residual bits per dimension (1, 2 or 4)
 * @param docMaxlen                  document length in tokens for the encoder (0 = the model config's)
 * @param queryMaxlen                query length recorded in the index (0 = the model config's)
 * @param ncentroids                 number of centroids (0 = ColBERT's 2^⌊log2(16·√N_embeddings)⌋, doubled
 *                                   once when that leaves more than 256 tokens a centroid)
 * @param kmeansNiters               Lloyd iterations
 * @param kmeansMaxPointsPerCentroid cap on k-means training points per centroid (ColBERT/faiss: 256)
 * @param sampleDocs                 documents encoded for k-means (0 = ColBERT's min(1 + 16·√(120·N), N))
 * @param sampleFraction             if > 0, sample this share of documents instead
 * @param seed                       seeds every random choice (ColBERT: 123)
 * @param shardTargetMb              target size of one shard file in MB
 * @param minShards                  at least this many shards (0 = Spark's default parallelism), so all cores work
 * @param samplePartitionMb          pass 1 works on pid ranges holding about this many MB of sample vectors, several
 *                                   to a shard, so one task's cached k-means points stay small at any corpus size
 * @param inputSplitMb               a JSONL file is read in byte ranges of this size, a Parquet file in groups of
 *                                   row groups of about this size, one task each
 * @param maxRejectFraction          fail (writing no manifest) when more than this share of input rows is rejected
 * @param assignGroups               groups of the two-level centroid search (0 = ≈√(2k)); 1 = brute force
 * @param assignNprobe               groups probed per token
 * @param codecSampleTokens          tokens used to train the residual codec (bucket quantiles)
 * @param agreementSampleTokens      tokens on which the two-level search is compared with brute force (0 = skip)
 * @param encoderBatchSize           documents per ONNX run
 * @param encoderThreads             ONNX intra-op threads per executor (0 = cores / task slots)
 * @param encoderDevice              {@code cpu}, {@code cuda:N}, or {@code gpu} (the address Spark assigns a task)
 * @param dim                        expected vector width of precomputed vectors (0 = from the data)
 * @param encoderId                  encoder id recorded for precomputed vectors
 * @param kmeansGroups               coarse groups k-means fits its centroids in (0 = ≈√(2k) from k = 1024 on, else
 *                                   flat); 1 = flat k-means over all points
 * @param kmeansRefineNiters         flat Lloyd iterations over all points after the grouped fit (-1 = one once
 *                                   the fit has 256 coarse groups or more, i.e. k ≥ 32,768 by default; else none)
 * @param poolFactor                 token pooling (ColBERT/PyLate {@code pool_factor}): each document keeps
 *                                   {@code max(1, ⌊tokens / pool_factor⌋)} Ward-clustered, mean-pooled vectors;
 *                                   1 = off ({@link io.tartan.jobs.pool.TokenPooler})
 * @param textAnalysis               the analysis of the BM25 text index ({@link TextAnalysis} id: {@code english},
 *                                   the default, or {@code english-minimal}); fixed for the index's life
 */
public record IndexConfig(
        String input, String output, String format, String modelConfig, int nbits, int docMaxlen, int queryMaxlen,
        int ncentroids, int kmeansNiters, int kmeansMaxPointsPerCentroid, long sampleDocs, double sampleFraction,
        long seed, double shardTargetMb, int minShards, double samplePartitionMb, double inputSplitMb,
        double maxRejectFraction, int assignGroups, int assignNprobe,
        int codecSampleTokens, int agreementSampleTokens, int encoderBatchSize, int encoderThreads,
        String encoderDevice, int dim, String encoderId, int kmeansGroups, int kmeansRefineNiters, int poolFactor,
        String textAnalysis)
        implements Serializable {

    /** Every key with its default; the order is the order of {@code conf/index.properties}. */
    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("input", "");
        d.put("output", "");
        d.put("format", "auto");
        d.put("model_config", "");
        d.put("nbits", "2");
        d.put("doc_maxlen", "0");
        d.put("pool_factor", "1");
        d.put("text_analysis", TextAnalysis.ENGLISH.id());
        d.put("query_maxlen", "0");
        d.put("ncentroids", "0");
        d.put("kmeans_niters", "4");
        d.put("kmeans_max_points_per_centroid", "256");
        d.put("kmeans_groups", "0");
        d.put("kmeans_refine_niters", "-1");
        d.put("sample_docs", "0");
        d.put("sample_fraction", "0");
        d.put("seed", "123");
        d.put("shard_target_mb", "128");
        d.put("min_shards", "0");
        d.put("sample_partition_mb", "64");
        d.put("input_split_mb", "128");
        d.put("max_reject_fraction", "0.05");
        d.put("assign_groups", "0");
        d.put("assign_nprobe", "8");
        d.put("codec_sample_tokens", "65536");
        d.put("agreement_sample_tokens", "8192");
        d.put("encoder_batch_size", "8");
        d.put("encoder_threads", "0");
        d.put("encoder_device", "cpu");
        d.put("dim", "0");
        d.put("encoder_id", "precomputed");
        return d;
    }

    static final List<String> FORMATS = List.of("auto", "jsonl", "parquet", "npy", "parquet-vectors");

    /** Parses command-line arguments ({@code --conf FILE} is read first; other flags override it). */
    public static IndexConfig parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        String confFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (flags are --key value)");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag --" + key + " needs a value");
                }
                value = args[++i];
            }
            key = normalize(key);
            if (key.equals("conf")) {
                confFile = value;
            } else {
                flags.put(key, value);
            }
        }
        Map<String, String> merged = new LinkedHashMap<>();
        if (confFile != null) {
            merged.putAll(readProperties(Path.of(confFile)));
        }
        merged.putAll(flags);
        return fromMap(merged);
    }

    private static String normalize(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read conf file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(normalize(name), p.getProperty(name).trim());
        }
        return out;
    }

    /** Builds and validates a config from key → value (missing keys take their defaults). */
    public static IndexConfig fromMap(Map<String, String> given) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        for (Map.Entry<String, String> e : given.entrySet()) {
            String key = normalize(e.getKey());
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown setting '" + e.getKey() + "'; known: " + DEFAULTS.keySet());
            }
            v.put(key, e.getValue());
        }
        IndexConfig c = new IndexConfig(v.get("input"), v.get("output"), v.get("format").toLowerCase(Locale.ROOT),
                v.get("model_config"), i(v, "nbits"), i(v, "doc_maxlen"), i(v, "query_maxlen"), i(v, "ncentroids"),
                i(v, "kmeans_niters"), i(v, "kmeans_max_points_per_centroid"), l(v, "sample_docs"),
                d(v, "sample_fraction"), l(v, "seed"), d(v, "shard_target_mb"), i(v, "min_shards"),
                d(v, "sample_partition_mb"), d(v, "input_split_mb"),
                d(v, "max_reject_fraction"), i(v, "assign_groups"), i(v, "assign_nprobe"),
                i(v, "codec_sample_tokens"), i(v, "agreement_sample_tokens"), i(v, "encoder_batch_size"),
                i(v, "encoder_threads"), v.get("encoder_device"), i(v, "dim"), v.get("encoder_id"),
                i(v, "kmeans_groups"), i(v, "kmeans_refine_niters"), i(v, "pool_factor"),
                v.get("text_analysis").trim());
        c.validate();
        return c;
    }

    private void validate() {
        require(!input.isBlank(), "--input is required");
        require(!output.isBlank(), "--output is required");
        require(FORMATS.contains(format), "format must be one of " + FORMATS + ", got '" + format + "'");
        require(nbits == 1 || nbits == 2 || nbits == 4, "nbits must be 1, 2 or 4, got " + nbits);
        require(docMaxlen >= 0 && queryMaxlen >= 0, "doc_maxlen and query_maxlen must be >= 0");
        require(poolFactor >= 1, "pool_factor must be >= 1 (1 = no pooling), got " + poolFactor);
        try {
            TextAnalysis.of(textAnalysis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("text_analysis: " + e.getMessage(), e);
        }
        require(ncentroids >= 0, "ncentroids must be >= 0 (0 = from the corpus: ColBERT's formula), got " + ncentroids);
        require(kmeansNiters >= 0, "kmeans_niters must be >= 0, got " + kmeansNiters);
        require(kmeansMaxPointsPerCentroid >= 1, "kmeans_max_points_per_centroid must be >= 1");
        require(kmeansGroups >= 0, "kmeans_groups must be >= 0 (0 = from k, 1 = flat k-means), got " + kmeansGroups);
        require(kmeansRefineNiters >= -1, "kmeans_refine_niters must be >= 0, or -1 for one step from 256 coarse "
                + "groups on, got " + kmeansRefineNiters);
        require(sampleDocs >= 0, "sample_docs must be >= 0");
        require(sampleFraction >= 0 && sampleFraction <= 1, "sample_fraction must be in [0, 1], got " + sampleFraction);
        require(shardTargetMb > 0, "shard_target_mb must be > 0, got " + shardTargetMb);
        require(minShards >= 0, "min_shards must be >= 0");
        require(samplePartitionMb > 0, "sample_partition_mb must be > 0, got " + samplePartitionMb);
        require(inputSplitMb > 0, "input_split_mb must be > 0, got " + inputSplitMb);
        require(maxRejectFraction >= 0 && maxRejectFraction <= 1,
                "max_reject_fraction must be in [0, 1], got " + maxRejectFraction);
        require(assignGroups >= 0 && assignNprobe >= 1, "assign_groups must be >= 0 and assign_nprobe >= 1");
        require(codecSampleTokens >= 1, "codec_sample_tokens must be >= 1");
        require(agreementSampleTokens >= 0, "agreement_sample_tokens must be >= 0");
        require(encoderBatchSize >= 1 && encoderThreads >= 0, "encoder_batch_size must be >= 1, encoder_threads >= 0");
        require(dim >= 0, "dim must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static int i(Map<String, String> v, String k) {
        return (int) l(v, k);
    }

    private static long l(Map<String, String> v, String k) {
        try {
            return Long.parseLong(v.get(k).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be an integer, got '" + v.get(k) + "'");
        }
    }

    private static double d(Map<String, String> v, String k) {
        try {
            return Double.parseDouble(v.get(k).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a number, got '" + v.get(k) + "'");
        }
    }

    /** The BM25 text analysis this build asks for. */
    public TextAnalysis textAnalysisProfile() {
        return TextAnalysis.of(textAnalysis);
    }

    /** True for the formats that carry token vectors instead of text. */
    public boolean precomputed(String resolvedFormat) {
        return resolvedFormat.equals("npy") || resolvedFormat.equals("parquet-vectors");
    }
}
