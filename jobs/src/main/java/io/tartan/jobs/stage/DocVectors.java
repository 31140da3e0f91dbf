package io.tartan.jobs.stage;

import io.tartan.encoders.TokenEmbeddings;
import io.tartan.encoders.TokenEncoder;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.NpyCorpusReader;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.input.VectorRef;
import io.tartan.jobs.pool.TokenPooler;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the token vectors of a batch of documents inside one task, whatever the input: text is encoded (one shared
 * encoder per executor JVM), inline vectors are returned as they are, {@code .npy} references are read back; then
 * each document is token-pooled when the index pools ({@link TokenPooler}), so k-means, the codec and the shards all
 * see the vectors the index stores. Not thread-safe; one per task. Public for the encodings that must equal a build's
 * (the bench's encode-once corpus).
 */
public final class DocVectors implements Closeable {
    private final EncoderSpec encoder;
    private final TokenPooler pooler;
    private final HadoopConf conf;
    private final Map<String, FSDataInputStream> open = new HashMap<>();
    private byte[] scratch;
    private long encodedDocs;
    private long encodedTokens;
    private long encodeNanos;
    private long poolNanos;
    private long lastLog = System.nanoTime();
    private static final Logger LOG = LoggerFactory.getLogger(DocVectors.class);
    /** A task that encodes logs its rate this often: stages of a few long tasks would otherwise be silent. */
    private static final long LOG_EVERY_NANOS = 30_000_000_000L;

    public DocVectors(EncoderSpec encoder, TokenPooler pooler, HadoopConf conf) {
        this.encoder = encoder;
        this.pooler = pooler;
        this.conf = conf;
    }

    /** Vectors of each document as the index stores them, in order (pids are the caller's; -1 here). */
    public List<EncodedDoc> of(List<SourceDoc> docs) {
        List<float[]> raw = unpooled(docs);
        List<EncodedDoc> out = new ArrayList<>(raw.size());
        long t0 = System.nanoTime();
        for (int i = 0; i < raw.size(); i++) {
            float[] v = raw.get(i);
            int dim = dim(docs.get(i), v);
            out.add(new EncodedDoc(-1, dim == 0 ? v : pooler.pool(v, dim), dim == 0 ? 0 : v.length / dim));
        }
        poolNanos += System.nanoTime() - t0;
        return out;
    }

    /** A document's vector width; 0 when it gave no whole vector (the caller rejects it, naming the document). */
    private int dim(SourceDoc d, float[] v) {
        int dim = d.vectors() != null ? d.vectors().length / Math.max(1, d.ntokens())
                : d.ref() != null ? d.ref().dim() : encoderDim();
        return dim > 0 && v.length > 0 && v.length % dim == 0 ? dim : 0;
    }

    private int encoderDim() {
        return encoder.open().dim();
    }

    private List<float[]> unpooled(List<SourceDoc> docs) {
        List<float[]> out = new ArrayList<>(docs.size());
        List<String> texts = new ArrayList<>();
        List<Integer> textAt = new ArrayList<>();
        for (SourceDoc d : docs) {
            if (d.vectors() != null) {
                out.add(unitRows(d.vectors().clone(), d.vectors().length / d.ntokens()));
            } else if (d.ref() != null) {
                out.add(unitRows(read(d.ref()), d.ref().dim()));
            } else {
                textAt.add(out.size());
                texts.add(d.text());
                out.add(null);
            }
        }
        if (!texts.isEmpty()) {
            long t0 = System.nanoTime();
            TokenEncoder enc = encoder.open();
            List<TokenEmbeddings> e = enc.encodeDocuments(texts);
            encodeNanos += System.nanoTime() - t0;
            for (int i = 0; i < e.size(); i++) {
                out.set(textAt.get(i), e.get(i).vectors());
                encodedTokens += e.get(i).numTokens();
            }
            encodedDocs += texts.size();
            if (System.nanoTime() - lastLog > LOG_EVERY_NANOS) {
                lastLog = System.nanoTime();
                TaskContext tc = TaskContext.get();
                LOG.info("shard {}: {} documents encoded so far ({} tokens, {} tokens/s)",
                        tc == null ? "?" : tc.partitionId(), encodedDocs, encodedTokens,
                        String.format("%.0f", encodedTokens / (encodeNanos / 1e9)));
            }
        }
        return out;
    }

    /**
     * Scales each row to unit length: the index's similarity is cosine MaxSim, and the codec's residual statistics
     * assume unit vectors. Rows already unit length (text encoders, most exports) are left bit-for-bit alone.
     */
    static float[] unitRows(float[] m, int dim) {
        for (int o = 0; o < m.length; o += dim) {
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += (double) m[o + d] * m[o + d];
            }
            if (sq > 0 && Math.abs(sq - 1) > 1e-5) {
                float inv = (float) (1 / Math.sqrt(sq));
                for (int d = 0; d < dim; d++) {
                    m[o + d] *= inv;
                }
            }
        }
        return m;
    }

    private float[] read(VectorRef ref) {
        try {
            FSDataInputStream in = open.get(ref.path());
            if (in == null) {
                Path p = new Path(ref.path());
                in = p.getFileSystem(conf.get()).open(p);
                open.put(ref.path(), in);
            }
            int bytes = ref.ntokens() * ref.dim() * 4;
            if (scratch == null || scratch.length < bytes) {
                scratch = new byte[Math.max(bytes, 1 << 16)];
            }
            return NpyCorpusReader.readVectors(in, ref, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vectors from " + ref.path() + ": " + e.getMessage(), e);
        }
    }

    public long encodedDocs() {
        return encodedDocs;
    }

    public long encodedTokens() {
        return encodedTokens;
    }

    public double encodeSeconds() {
        return encodeNanos / 1e9;
    }

    double poolSeconds() {
        return poolNanos / 1e9;
    }

    @Override
    public void close() {
        for (FSDataInputStream in : open.values()) {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
        open.clear();
    }
}
