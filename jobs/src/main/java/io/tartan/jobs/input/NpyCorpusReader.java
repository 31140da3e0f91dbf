package io.tartan.jobs.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * <p>The driver streams doclens (and ids and metadata) once to cut the documents into token-balanced ranges, keeping only where
 * each range starts in each file; each task reads its range's doclens, ids and vectors, rejects non-finite vectors
 * and emits {@link VectorRef}s, not vectors: later stages read the vectors again where they need them, so shuffles
 * stay small and nothing in the driver grows with the number of documents.
 */
public final class NpyCorpusReader implements CorpusReader {
    public static final String DOCS = "docs.npy";
    public static final String DOCLENS = "doclens.npy";
    public static final String IDS = "ids.txt";
    public static final String METADATA = "metadata.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes of vectors per read task. */
    private static final long RANGE_BYTES = 32L << 20;

    private final String docsPath;
    private final String lensPath;
    private final String idsPath;
    private final String metaPath;
    private final HadoopConf conf;
    private final int dim;
    private final long dataOffset;
    private final long tokens;
    private final NpyHeader lensHeader;

    private NpyCorpusReader(String docsPath, String lensPath, String idsPath, String metaPath, HadoopConf conf,
            int dim, long dataOffset, long tokens, NpyHeader lensHeader) {
        this.docsPath = docsPath;
        this.lensPath = lensPath;
        this.idsPath = idsPath;
        this.metaPath = metaPath;
        this.conf = conf;
        this.dim = dim;
        this.dataOffset = dataOffset;
        this.tokens = tokens;
        this.lensHeader = lensHeader;
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
            NpyHeader lh;
            try (FSDataInputStream in = fs.open(lens)) {
                lh = NpyHeader.read(in, lens.toString()).require(lens.toString(), 1, "<i8", "<i4");
            }
            long expectedSize = dh.dataOffset() + dh.shape()[0] * dh.shape()[1] * 4;
            if (fs.getFileStatus(docs).getLen() < expectedSize) {
                throw new IllegalArgumentException(docs + " is truncated: " + fs.getFileStatus(docs).getLen()
                        + " bytes, header says " + expectedSize);
            }
            Path idsPath = new Path(root, IDS);
            Path metaPath = new Path(root, METADATA);
            return new NpyCorpusReader(docs.toString(), lens.toString(),
                    fs.exists(idsPath) ? idsPath.toString() : null, fs.exists(metaPath) ? metaPath.toString() : null,
                    conf, Math.toIntExact(dh.shape()[1]), dh.dataOffset(), dh.shape()[0], lh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JavaRDD<SourceDoc> read(JavaSparkContext sc) {
        long bytesPerToken = 4L * dim;
        long rangeBytes = Math.min(RANGE_BYTES, Math.max(bytesPerToken,
                tokens * bytesPerToken / Math.max(1, sc.defaultParallelism())));
        List<Range> ranges;
        try {
            ranges = plan(rangeBytes / bytesPerToken);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + lensPath + ": " + e.getMessage(), e);
        }
        String path = docsPath;
        HadoopConf hc = conf;
        int width = dim;
        long offset = dataOffset;
        return sc.parallelize(ranges, Math.max(1, ranges.size()))
                .flatMap(r -> r.read(hc, path, offset, width).iterator());
    }

    /**
     * Cuts the documents into ranges of about {@code rangeTokens} tokens (at least one document each), streaming
     * doclens, ids and metadata once; checks that doclens are not negative and sum to the rows of docs.npy, and that
     * ids.txt and metadata.jsonl have one line per document.
     */
    private List<Range> plan(long rangeTokens) throws IOException {
        int item = lensHeader.itemSize();
        long n = lensHeader.shape()[0];
        List<Range> out = new ArrayList<>();
        Path lens = new Path(lensPath);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                lens.getFileSystem(conf.get()).open(lens), 1 << 16));
                LineOffsets ids = idsPath == null ? null : new LineOffsets(conf, idsPath);
                LineOffsets meta = metaPath == null ? null : new LineOffsets(conf, metaPath)) {
            in.skipNBytes(lensHeader.dataOffset());
            byte[] raw = new byte[item];
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long token = 0;
            long doc = 0;
            while (doc < n) {
                long first = doc;
                long firstToken = token;
                long idsOffset = ids == null ? -1 : ids.offset();
                long metaOffset = meta == null ? -1 : meta.offset();
                while (doc < n && (doc == first || token - firstToken < rangeTokens)) {
                    in.readFully(raw);
                    long len = item == 8 ? b.getLong(0) : b.getInt(0);
                    if (len < 0) {
                        throw new IllegalArgumentException(lensPath + ": negative doclen " + len + " at " + doc);
                    }
                    token += len;
                    doc++;
                    if (ids != null && !ids.skipLine()) {
                        throw new IllegalArgumentException(idsPath + " has " + (doc - 1) + " ids for " + n
                                + " documents");
                    }
                    if (meta != null && !meta.skipLine()) {
                        throw new IllegalArgumentException(metaPath + " has " + (doc - 1) + " lines for " + n
                                + " documents");
                    }
                }
                out.add(new Range(first, doc - first, firstToken, lensPath,
                        lensHeader.dataOffset() + first * item, item, idsPath, idsOffset, metaPath, metaOffset));
            }
            if (token != tokens) {
                throw new IllegalArgumentException(lensPath + " sums to " + token + " tokens but " + docsPath
                        + " has " + tokens + " rows");
            }
            if (ids != null && ids.skipLine()) {
                throw new IllegalArgumentException(idsPath + " has more ids than the " + n + " documents");
            }
            if (meta != null && meta.skipLine()) {
                throw new IllegalArgumentException(metaPath + " has more lines than the " + n + " documents");
            }
        }
        return out;
    }

    /** Streams ids.txt or metadata.jsonl, telling the byte offset of the next line. */
    private static final class LineOffsets implements java.io.Closeable {
        private final InputStream in;
        private long offset;

        LineOffsets(HadoopConf conf, String path) throws IOException {
            Path p = new Path(path);
            this.in = new BufferedInputStream(p.getFileSystem(conf.get()).open(p), 1 << 16);
        }

        long offset() {
            return offset;
        }

        /** Skips one line; false at the end of the file. */
        boolean skipLine() throws IOException {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            while (c >= 0 && c != '\n') {
                offset++;
                c = in.read();
            }
            if (c == '\n') {
                offset++;
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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

    /**
     * Documents {@code firstDoc .. firstDoc + docs} whose tokens start at {@code firstToken}; their doclens at
     * {@code lensOffset} of doclens.npy, their ids (if any) from byte {@code idsOffset} of ids.txt, their metadata (if
     * any) from byte {@code metaOffset} of metadata.jsonl.
     */
    private record Range(long firstDoc, long docs, long firstToken, String lensPath, long lensOffset, int lensItem,
            String idsPath, long idsOffset, String metaPath, long metaOffset) implements Serializable {
        List<SourceDoc> read(HadoopConf conf, String path, long dataOffset, int dim) throws IOException {
            long[] lens = doclens(conf);
            String[] ids = idsPath == null ? null : lines(conf, idsPath, idsOffset);
            String[] meta = metaPath == null ? null : lines(conf, metaPath, metaOffset);
            Path p = new Path(path);
            List<SourceDoc> out = new ArrayList<>(lens.length);
            try (FSDataInputStream in = p.getFileSystem(conf.get()).open(p)) {
                long token = firstToken;
                byte[] scratch = null;
                for (int i = 0; i < lens.length; i++) {
                    long doc = firstDoc + i;
                    long line = doc + 1L;
                    long ordinal = SourceDoc.ordinal(0, line);
                    String id = ids == null ? Long.toString(doc) : ids[i];
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
                    Map<String, String> metadata = null;
                    if (meta != null && !meta[i].isEmpty()) {
                        try {
                            metadata = metadataOf(meta[i]);
                        } catch (IllegalArgumentException e) {
                            out.add(SourceDoc.rejected(ordinal, metaPath, line, id, Reject.of(Reject.BAD_JSON,
                                    e.getMessage())));
                            continue;
                        }
                    }
                    if (scratch == null || scratch.length < n * dim * 4) {
                        scratch = new byte[Math.max(n * dim * 4, 1 << 16)];
                    }
                    Reject bad = DocFields.checkFinite(readVectors(in, ref, scratch), dim);
                    out.add(bad != null ? SourceDoc.rejected(ordinal, path, line, id, bad)
                            : new SourceDoc(ordinal, path, line, id, null, null, ref, n, metadata, null));
                }
            }
            return out;
        }

        private long[] doclens(HadoopConf conf) throws IOException {
            Path p = new Path(lensPath);
            byte[] raw = new byte[Math.toIntExact(docs * lensItem)];
            try (FSDataInputStream in = p.getFileSystem(conf.get()).open(p)) {
                in.readFully(lensOffset, raw, 0, raw.length);
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[(int) docs];
            for (int i = 0; i < out.length; i++) {
                out[i] = lensItem == 8 ? b.getLong() : b.getInt();
            }
            return out;
        }

        /** This range's lines of ids.txt or metadata.jsonl, stripped. */
        private String[] lines(HadoopConf conf, String file, long offset) throws IOException {
            Path p = new Path(file);
            String[] out = new String[(int) docs];
            try (FSDataInputStream raw = p.getFileSystem(conf.get()).open(p)) {
                raw.seek(offset);
                BufferedReader r = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
                for (int i = 0; i < out.length; i++) {
                    String line = r.readLine();
                    out[i] = line == null ? "" : line.strip();
                }
            }
            return out;
        }

        /** One line of metadata.jsonl as a string map; an object is required ({@code {}} for none). */
        private static Map<String, String> metadataOf(String line) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("metadata is not JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("metadata must be a JSON object");
            }
            return DocFields.metadataOf(JSON.convertValue(node, Map.class));
        }
    }
}
