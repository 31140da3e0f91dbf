package io.tartan.query.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.DocumentText;
import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.TokenEmbeddings;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import io.tartan.format.MaxSim;
import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.search.TopK;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Exhaustive exact MaxSim over <em>uncompressed</em> float vectors: the corpus's documents encoded again with the
 * index's encoder and never compressed. Compared with exhaustive search over the index (decompressed residuals), it
 * measures what the residual compression costs on real text.
 *
 * <p>Only documents live in the index are scored, so both rank the same candidates; corpus documents the index does
 * not hold are counted and skipped, and index documents missing from the corpus are reported (their absence biases the
 * comparison). Documents stream through in batches, each scored against every query, so memory holds one batch of
 * vectors, never the corpus. A query's latency is its scoring time summed over the batches (encoding excluded).
 */
public final class FloatCorpusRanker {
    private static final Logger LOG = LoggerFactory.getLogger(FloatCorpusRanker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BATCH = 32;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    /**
     * @param rankings          per query, live doc ids best first, at most {@code depth}
     * @param latencyMs         per query, milliseconds of MaxSim scoring
     * @param docsScored        corpus documents encoded and scored
     * @param notInIndex        corpus documents skipped because the index does not hold them (live)
     * @param rejectedLines     corpus lines skipped as unreadable (each logged with file and line)
     * @param missingFromCorpus live index documents the corpus does not contain
     */
    public record Result(List<List<String>> rankings, double[] latencyMs, long docsScored, long notInIndex,
                         long rejectedLines, long missingFromCorpus) {
    }

    private final TokenEncoder encoder;
    private final IndexSnapshot snapshot;
    private final long progressEveryNanos;
    private final Consumer<String> progress;

    public FloatCorpusRanker(TokenEncoder encoder, IndexSnapshot snapshot) {
        this(encoder, snapshot, PROGRESS_EVERY_NANOS, LOG::info);
    }

    /** @param progress receives a progress line (count, rate, ETA) at most every {@code progressEveryNanos} */
    FloatCorpusRanker(TokenEncoder encoder, IndexSnapshot snapshot, long progressEveryNanos, Consumer<String> progress) {
        this.progressEveryNanos = progressEveryNanos;
        this.progress = progress;
        if (encoder.dim() != snapshot.dim()) {
            throw new IllegalArgumentException("encoder " + encoder.encoderId() + " gives " + encoder.dim()
                    + "-dim vectors but the index has dim " + snapshot.dim());
        }
        this.encoder = encoder;
        this.snapshot = snapshot;
    }

    /**
     * Opens the document encoder the index was built with: {@code modelConfig} (null: the shipped config of the index's encoder id, else the bundled model) at the index's
     * doc_maxlen; refused when the index records an encoder checksum this model does not match, since other vectors
     * would measure another model, not the compression.
     */
    public static TokenEncoder documentEncoder(String modelConfig, IndexSettings settings) {
        EncoderConfig config = modelConfig != null ? EncoderConfig.load(modelConfig)
                : EncoderConfig.shipped(settings.encoderId()).orElseGet(EncoderConfig::bundled);
        if (settings.docMaxlen() > 0) {
            config = config.withDocMaxlen(settings.docMaxlen());
        }
        TokenEncoder e = TokenEncoders.open(config, EncoderOptions.defaults());
        String want = settings.encoderChecksum();
        if (want != null && !want.equals(e.checksum())) {
            e.close();
            throw new IllegalArgumentException("--exact-float: the model " + e.encoderId() + " (" + e.checksum()
                    + ") is not the encoder the index was built with (" + settings.encoderId() + ", " + want
                    + "); pass that encoder's --model-config");
        }
        return e;
    }

    /**
     * Ranks the live documents of {@code corpus} (JSONL: {@code {"id"|"_id", "title"?, "text"}} per line, as
     * {@code tartan index} reads it) for every query.
     */
    public Result rank(Path corpus, List<float[]> queries, int depth, Consumer<String> reject) {
        int dim = snapshot.dim();
        TopK[] tops = new TopK[queries.size()];
        for (int q = 0; q < tops.length; q++) {
            tops[q] = new TopK(depth);
        }
        double[] nanos = new double[queries.size()];
        BitSet seen = new BitSet(snapshot.numDocs());
        long scored = 0;
        long notInIndex = 0;
        long rejected = 0;
        VectorKernels k = Kernels.get();
        List<Integer> rows = new ArrayList<>(BATCH);
        List<String> texts = new ArrayList<>(BATCH);
        // the index's live documents are what gets encoded (corpus lines it does not hold are skipped unencoded)
        WorkProgress p = new WorkProgress("exact-float", "documents encoded and scored", snapshot.numDocs(),
                progressEveryNanos, progress);
        try (BufferedReader r = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            long lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = corpus + ":" + lineNo;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    rejected++;
                    reject.accept(where + ": not JSON (" + e.getOriginalMessage() + ")");
                    continue;
                }
                JsonNode id = n.hasNonNull("id") ? n.get("id") : n.get("_id");
                String text = DocumentText.join(textOf(n.get("title")), textOf(n.get("text")));
                if (id == null || id.isNull() || text.isBlank()) {
                    rejected++;
                    reject.accept(where + ": " + (id == null || id.isNull() ? "no \"id\"" : "empty text"));
                    continue;
                }
                int row = snapshot.rowOf(id.asText());
                if (row < 0) {
                    notInIndex++;
                    continue;
                }
                if (seen.get(row)) {
                    rejected++;
                    reject.accept(where + ": duplicate id " + id.asText());
                    continue;
                }
                seen.set(row);
                rows.add(row);
                texts.add(text);
                if (rows.size() == BATCH) {
                    long batch = score(rows, texts, queries, tops, nanos, dim, k);
                    scored += batch;
                    p.advance(batch);
                }
            }
            long last = score(rows, texts, queries, tops, nanos, dim, k);
            scored += last;
            p.advance(last);
            p.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus " + corpus + ": " + e.getMessage(), e);
        }
        long missing = snapshot.numDocs() - seen.cardinality();
        if (missing > 0) {
            LOG.warn("exact-float: {} of the index's {} live documents are not in {}; they are not scored", missing,
                    snapshot.numDocs(), corpus);
        }
        List<List<String>> rankings = new ArrayList<>(tops.length);
        double[] ms = new double[tops.length];
        for (int q = 0; q < tops.length; q++) {
            int[] best = tops[q].sortedRows(null);
            List<String> ids = new ArrayList<>(best.length);
            for (int row : best) {
                ids.add(snapshot.docId(row));
            }
            rankings.add(ids);
            ms[q] = nanos[q] / 1e6;
        }
        return new Result(rankings, ms, scored, notInIndex, rejected, missing);
    }

    /** Encodes a batch, scores it against every query, and empties the batch; returns its size. */
    private int score(List<Integer> rows, List<String> texts, List<float[]> queries, TopK[] tops, double[] nanos,
            int dim, VectorKernels k) {
        if (rows.isEmpty()) {
            return 0;
        }
        List<TokenEmbeddings> docs = encoder.encodeDocuments(texts);
        float[] scratch = new float[encoder.docMaxlen()];
        for (int i = 0; i < docs.size(); i++) {
            float[] d = normalized(docs.get(i).vectors(), dim);
            int nd = d.length / dim;
            if (nd == 0) {
                continue;
            }
            if (scratch.length < nd) {
                scratch = new float[nd];
            }
            for (int q = 0; q < queries.size(); q++) {
                float[] qv = queries.get(q);
                long t0 = System.nanoTime();
                float s = MaxSim.score(k, qv, qv.length / dim, d, 0, nd, dim, scratch);
                tops[q].offer(rows.get(i), s);
                nanos[q] += System.nanoTime() - t0;
            }
        }
        int n = rows.size();
        rows.clear();
        texts.clear();
        return n;
    }

    /** Unit rows, as the index's similarity (maxsim-cosine) scores them. */
    private static float[] normalized(float[] v, int dim) {
        float[] out = v.clone();
        for (int r = 0; r < out.length / dim; r++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += (double) out[r * dim + j] * out[r * dim + j];
            }
            if (s > 0) {
                float inv = (float) (1 / Math.sqrt(s));
                for (int j = 0; j < dim; j++) {
                    out[r * dim + j] *= inv;
                }
            }
        }
        return out;
    }

    private static String textOf(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
