package io.tartan.jobs.input;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Precomputed token vectors as written by {@code gen_synth.py}: a directory with {@code docs.npy} (float32
 * {@code [N_tokens × dim]}, documents back to back), {@code doclens.npy} (int64 or int32 {@code [N_docs]}) and
 * optionally {@code ids.txt} (one id per line; default ids are the document numbers 0, 1, …) and
 * {@code metadata.jsonl} (one JSON object per document, in document order; {@code {}} or a blank line for none).
 *
 * <p>The driver reads the headers and doclens and cuts the documents into token-balanced ranges; each task reads
 * its range once to reject non-finite vectors and emits {@link VectorRef}s, not vectors: later stages read the
 * vectors again where they need them, so shuffles stay small.
 */
public final class NpyCorpusReader implements CorpusReader {
    public static final String DOCS = "docs.npy";
    public static final String DOCLENS = "doclens.npy";
    public static final String IDS = "ids.txt";
    public static final String METADATA = "metadata.jsonl";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Bytes of vectors per read task. */
    private static final long RANGE_BYTES = 32L << 20;

    private final String docsPath;
    private final HadoopConf conf;
    private final int dim;
    private final long dataOffset;
    private final long[] doclens;
    private final String[] ids;
    private final Map<String, String>[] metadata;

    private NpyCorpusReader(String docsPath, HadoopConf conf, int dim, long dataOffset, long[] doclens, String[] ids,
            Map<String, String>[] metadata) {
        this.metadata = metadata;
        this.docsPath = docsPath;
        this.conf = conf;
        this.dim = dim;
        this.dataOffset = dataOffset;
        this.doclens = doclens;
        this.ids = ids;
    }

    static NpyCorpusReader open(String dir, HadoopConf conf) {
        Path root = new Path(dir);
        Path docs = new Path(root, DOCS);
        Path lens = new Path(root, DOCLENS);
        try {
            FileSystem fs = root.getFileSystem(conf.get());
            if (!fs.exists(docs) || !fs.exists(lens)) {
                throw new IllegalArgumentException("input " + dir + " must hold " + DOCS + " and " + DOCLENS);
            }
            NpyHeader dh;
            try (FSDataInputStream in = fs.open(docs)) {
                dh = NpyHeader.read(in, docs.toString()).require(docs.toString(), 2, "<f4");
            }
            long[] doclens;
            try (FSDataInputStream in = fs.open(lens)) {
                NpyHeader lh = NpyHeader.read(in, lens.toString()).require(lens.toString(), 1, "<i8", "<i4");
                byte[] raw = new byte[Math.toIntExact(lh.shape()[0] * lh.itemSize())];
                in.readFully(raw);
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                doclens = new long[(int) lh.shape()[0]];
                for (int i = 0; i < doclens.length; i++) {
                    doclens[i] = lh.itemSize() == 8 ? b.getLong() : b.getInt();
                    if (doclens[i] < 0) {
                        throw new IllegalArgumentException(lens + ": negative doclen " + doclens[i] + " at " + i);
                    }
                }
            }
            long total = 0;
            for (long l : doclens) {
                total += l;
            }
            if (total != dh.shape()[0]) {
                throw new IllegalArgumentException(lens + " sums to " + total + " tokens but " + docs + " has "
                        + dh.shape()[0] + " rows");
            }
            long expectedSize = dh.dataOffset() + total * dh.shape()[1] * 4;
            if (fs.getFileStatus(docs).getLen() < expectedSize) {
                throw new IllegalArgumentException(docs + " is truncated: " + fs.getFileStatus(docs).getLen()
                        + " bytes, header says " + expectedSize);
            }
            String[] ids = null;
            Path idsPath = new Path(root, IDS);
            if (fs.exists(idsPath)) {
                ids = readIds(fs, idsPath, doclens.length);
            }
            Map<String, String>[] metadata = null;
            Path metaPath = new Path(root, METADATA);
            if (fs.exists(metaPath)) {
                metadata = readMetadata(fs, metaPath, doclens.length);
            }
            return new NpyCorpusReader(docs.toString(), conf, Math.toIntExact(dh.shape()[1]), dh.dataOffset(),
                    doclens, ids, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String[] readIds(FileSystem fs, Path p, int n) throws IOException {
        List<String> out = new ArrayList<>(n);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.strip());
            }
        }
        if (out.size() != n) {
            throw new IllegalArgumentException(p + " has " + out.size() + " ids for " + n + " documents");
        }
        return out.toArray(new String[0]);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String>[] readMetadata(FileSystem fs, Path p, int n) throws IOException {
        List<Map<String, String>> out = new ArrayList<>(n);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    out.add(null);
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(p + " line " + (out.size() + 1) + ": not JSON: "
                            + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(p + " line " + (out.size() + 1)
                            + ": metadata must be a JSON object");
                }
                out.add(DocFields.metadataOf(JSON.convertValue(node, Map.class)));
            }
        }
        if (out.size() != n) {
            throw new IllegalArgumentException(p + " has " + out.size() + " lines for " + n + " documents");
        }
        return out.toArray(new Map[0]);
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        List<Range> ranges = new ArrayList<>();
        long bytesPerToken = 4L * dim;
        int start = 0;
        long token = 0;
        long rangeBytes = Math.min(RANGE_BYTES, Math.max(bytesPerToken,
                totalTokens() * bytesPerToken / Math.max(1, sc.defaultParallelism())));
        while (start < doclens.length) {
            int end = start;
            long bytes = 0;
            while (end < doclens.length && (end == start || bytes + doclens[end] * bytesPerToken <= rangeBytes)) {
                bytes += doclens[end] * bytesPerToken;
                end++;
            }
            long[] lens = java.util.Arrays.copyOfRange(doclens, start, end);
            String[] rangeIds = ids == null ? null : java.util.Arrays.copyOfRange(ids, start, end);
            Map<String, String>[] rangeMeta = metadata == null ? null : java.util.Arrays.copyOfRange(metadata, start, end);
            ranges.add(new Range(start, token, lens, rangeIds, rangeMeta));
            token += bytes / bytesPerToken;
            start = end;
        }
        String path = docsPath;
        HadoopConf hc = conf;
        int width = dim;
        long offset = dataOffset;
        return sc.parallelize(ranges, Math.max(1, ranges.size())).flatMap(r -> r.read(hc, path, offset, width).iterator());
    }

    private long totalTokens() {
        long t = 0;
        for (long l : doclens) {
            t += l;
        }
        return t;
    }

    @Override
    public boolean precomputed() {
        return true;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String format() {
        return "npy";
    }

    /** Reads a document's vectors back from its {@link VectorRef}. */
    public static float[] readVectors(FSDataInputStream in, VectorRef ref, byte[] scratch) throws IOException {
        int bytes = ref.ntokens() * ref.dim() * 4;
        byte[] buf = scratch != null && scratch.length >= bytes ? scratch : new byte[bytes];
        in.readFully(ref.byteOffset(), buf, 0, bytes);
        float[] out = new float[ref.ntokens() * ref.dim()];
        ByteBuffer.wrap(buf, 0, bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Documents {@code firstDoc ..} whose tokens start at {@code firstToken}. */
    private record Range(int firstDoc, long firstToken, long[] lens, String[] ids, Map<String, String>[] metadata)
            implements Serializable {
        List<SourceDoc> read(HadoopConf conf, String path, long dataOffset, int dim) throws IOException {
            Path p = new Path(path);
            List<SourceDoc> out = new ArrayList<>(lens.length);
            try (FSDataInputStream in = p.getFileSystem(conf.get()).open(p)) {
                long token = firstToken;
                byte[] scratch = null;
                for (int i = 0; i < lens.length; i++) {
                    int doc = firstDoc + i;
                    long line = doc + 1L;
                    long ordinal = SourceDoc.ordinal(0, line);
                    String id = ids == null ? Integer.toString(doc) : ids[i];
                    int n = Math.toIntExact(lens[i]);
                    VectorRef ref = new VectorRef(path, dataOffset + token * dim * 4, n, dim);
                    token += n;
                    if (id.isBlank()) {
                        out.add(SourceDoc.rejected(ordinal, path, line, null, Reject.of(Reject.MISSING_ID, "blank id")));
                        continue;
                    }
                    if (n == 0) {
                        out.add(SourceDoc.rejected(ordinal, path, line, id, Reject.of(Reject.EMPTY_VECTORS, "doclen 0")));
                        continue;
                    }
                    if (scratch == null || scratch.length < n * dim * 4) {
                        scratch = new byte[Math.max(n * dim * 4, 1 << 16)];
                    }
                    Reject bad = DocFields.checkFinite(readVectors(in, ref, scratch), dim);
                    out.add(bad != null ? SourceDoc.rejected(ordinal, path, line, id, bad)
                            : new SourceDoc(ordinal, path, line, id, null, null, ref, n,
                                    metadata == null ? null : metadata[i], null));
                }
            }
            return out;
        }
    }
}
