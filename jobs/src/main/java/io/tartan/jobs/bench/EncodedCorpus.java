package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.encoders.TokenEncoder;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.input.CorpusReaders;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.NpyCorpusReader;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.pool.TokenPooler;
import io.tartan.jobs.stage.Batched;
import io.tartan.jobs.stage.DocVectors;
import io.tartan.jobs.stage.EncodedDoc;
import io.tartan.jobs.stage.EncoderSpec;
import io.tartan.jobs.stage.InputValidation;
import io.tartan.jobs.stage.PidRangePartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A text collection encoded once into precomputed-vector input, so that several indexes of the same documents (one per
 * pool factor) cost one encoding: the folder holds {@code docs.npy}, {@code doclens.npy} and {@code ids.txt}, the
 * layout {@link NpyCorpusReader} reads, and {@code encoding.json} saying which corpus and encoder made it.
 *
 * <p>The documents are read and validated as IndexJob reads them and encoded as its shards encode them (the same
 * {@link EncoderSpec} from the same settings: model config, doc_maxlen, device, threads, batch size), unpooled, and
 * written in input order, so an index built from the folder numbers the documents as one built from the text does.
 * Rows rejected on reading (no id, empty text, a repeated id) are left out with a warning. The text itself is not
 * kept, nor metadata: indexes built from the folder have empty metadata-only text indexes, so BM25, hybrid and
 * filters are not for them; MaxSim search and its quality are as for the text-built index.
 *
 * @param dir        the folder
 * @param documents  documents written
 * @param tokens     token vectors written (the input tokens of every index built from it)
 * @param rejected   input rows left out
 * @param seconds    wall time of the encoding (0 when an earlier encoding was reused)
 * @param encoderId  the encoder's id, for the indexes' settings
 * @param docMaxlen  the encoder's doc_maxlen
 * @param queryMaxlen the encoder's query_maxlen
 */
record EncodedCorpus(Path dir, long documents, long tokens, long rejected, double seconds, String encoderId,
        int docMaxlen, int queryMaxlen) {
    private static final Logger LOG = LoggerFactory.getLogger(EncodedCorpus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MARKER = "encoding.json";
    /** Documents a partition at most: ~100 MB of vectors at 512 tokens × 384 dims. */
    private static final int DOCS_PER_PART = 128;
    /** The encoding is stored unpooled: each index built from it pools with its own factor. */
    private static final TokenPooler UNPOOLED = new TokenPooler(1);

    /**
     * Encodes {@code corpus} into {@code dir}, or with {@code reuse} takes an encoding already there that was made from
     * the same corpus file (same size and modification time) with the same model config and doc_maxlen.
     *
     * @param settings IndexJob settings (ColBERT names): {@code model_config}, {@code doc_maxlen}, the encoder_*
     *                 settings; input and format are set here
     */
    static EncodedCorpus of(JavaSparkContext sc, Path corpus, Map<String, String> settings, Path dir, boolean reuse) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("input", corpus.toAbsolutePath().toString());
        s.put("format", "jsonl");
        s.put("output", dir.toUri().toString());
        IndexConfig cfg = IndexConfig.fromMap(s);
        EncoderSpec spec = new EncoderSpec(cfg.modelConfig(), cfg.docMaxlen(), cfg.encoderDevice(),
                Math.max(1, cfg.encoderThreads()), cfg.encoderBatchSize());
        ObjectNode source = source(corpus, cfg);
        if (reuse) {
            EncodedCorpus earlier = existing(dir, source);
            if (earlier != null) {
                LOG.info("reusing the encoding of {} in {}", corpus, dir);
                return earlier;
            }
        }
        return encode(sc, cfg, spec, source, dir);
    }

    private static EncodedCorpus encode(JavaSparkContext sc, IndexConfig cfg, EncoderSpec spec, ObjectNode source,
            Path dir) {
        long t0 = System.nanoTime();
        IndexBuild.deleteTree(dir);
        sc.setJobDescription("encode " + cfg.input() + " once for several indexes");
        InputValidation.Result in = InputValidation.run(sc, CorpusReaders.open(cfg, sc.hadoopConfiguration()));
        try {
            long docs = in.counts().valid();
            long rejected = in.counts().rejectedTotal();
            if (rejected > 0) {
                LOG.warn("{}: {} rows left out of the encoding: {}", cfg.input(), rejected,
                        in.counts().rejectedByKind());
            }
            if (docs == 0) {
                throw new IllegalArgumentException(cfg.input() + " has no valid document to encode");
            }
            // the driver holds one partition at a time when writing: ranges of at most DOCS_PER_PART documents
            int parts = (int) Math.max(Math.max(1, sc.defaultParallelism()), (docs + DOCS_PER_PART - 1) / DOCS_PER_PART);
            int batch = Math.max(1, cfg.encoderBatchSize());
            HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
            // balanced consecutive ranges in input order: every core encodes, and reading the partitions in order
            // writes the documents in input order
            JavaRDD<Encoded> encoded = in.valid().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                    .repartitionAndSortWithinPartitions(new PidRangePartitioner(parts, docs))
                    .values().mapPartitions(it -> encoding(it, spec, conf, batch))
                    .persist(StorageLevel.DISK_ONLY());
            TokenEncoder enc = spec.open();
            Written w;
            try {
                // encoded in parallel here; toLocalIterator alone would run one partition at a time
                encoded.count();
                Files.createDirectories(dir);
                w = write(encoded.toLocalIterator(), dir, enc.dim());
            } finally {
                encoded.unpersist(false);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            EncodedCorpus out = new EncodedCorpus(dir, w.documents, w.tokens, rejected, seconds, enc.encoderId(),
                    enc.docMaxlen(), enc.queryMaxlen());
            ObjectNode marker = source.deepCopy();
            marker.put("documents", out.documents).put("tokens", out.tokens).put("rejected", rejected)
                    .put("seconds", seconds).put("encoder_id", out.encoderId)
                    .put("encoder_doc_maxlen", out.docMaxlen).put("query_maxlen", out.queryMaxlen)
                    .put("dim", enc.dim());
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MARKER).toFile(), marker);
            LOG.info("encoded {} documents ({} tokens) of {} into {} in {} s", w.documents, w.tokens, cfg.input(),
                    dir, String.format("%.1f", seconds));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the encoding into " + dir + ": " + e.getMessage(), e);
        } finally {
            in.rows().unpersist(false);
        }
    }

    /**
     * Streams the documents into docs.npy (whose header needs the token count, known at the end: the vectors go to a
     * scratch file first and are copied behind the header), doclens.npy and ids.txt.
     */
    private static Written write(Iterator<Encoded> docs, Path dir, int dim) throws IOException {
        Path raw = dir.resolve("docs.f32.part");
        Path ids = dir.resolve(NpyCorpusReader.IDS);
        List<Long> lens = new ArrayList<>();
        long tokens = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(raw), 1 << 20));
                Writer idOut = Files.newBufferedWriter(ids, StandardCharsets.UTF_8)) {
            ByteBuffer row = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (docs.hasNext()) {
                Encoded d = docs.next();
                if (d.id.indexOf('\n') >= 0 || d.id.indexOf('\r') >= 0 || !d.id.equals(d.id.strip())) {
                    throw new IllegalArgumentException("document id '" + d.id + "' has a line break or surrounding "
                            + "blanks, which " + NpyCorpusReader.IDS + " cannot hold");
                }
                int n = d.vectors.length / dim;
                for (int t = 0; t < n; t++) {
                    row.clear();
                    row.asFloatBuffer().put(d.vectors, t * dim, dim);
                    out.write(row.array());
                }
                idOut.write(d.id);
                idOut.write('\n');
                lens.add((long) n);
                tokens += n;
            }
        }
        Path docsNpy = dir.resolve(NpyCorpusReader.DOCS);
        try (FileChannel src = FileChannel.open(raw, StandardOpenOption.READ);
                FileChannel dst = FileChannel.open(docsNpy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            dst.write(ByteBuffer.wrap(NpyHeaderBytes.of("<f4", new long[] {tokens, dim})));
            long done = 0;
            long size = src.size();
            while (done < size) {
                done += src.transferTo(done, size - done, dst);
            }
        }
        Files.delete(raw);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(NpyCorpusReader.DOCLENS)))) {
            out.write(NpyHeaderBytes.of("<i8", new long[] {lens.size()}));
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long n : lens) {
                out.write(b.clear().putLong(n).array());
            }
        }
        return new Written(lens.size(), tokens);
    }

    private record Written(long documents, long tokens) {
    }

    /** What identifies an encoding: the corpus file as it was, the model config and doc_maxlen asked for. */
    private static ObjectNode source(Path corpus, IndexConfig cfg) {
        ObjectNode o = JSON.createObjectNode();
        try {
            o.put("corpus", corpus.toAbsolutePath().toString());
            o.put("corpus_bytes", Files.size(corpus));
            o.put("corpus_modified", Files.getLastModifiedTime(corpus).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + corpus + ": " + e.getMessage(), e);
        }
        o.put("model_config", Objects.toString(cfg.modelConfig(), ""));
        o.put("doc_maxlen", cfg.docMaxlen());
        return o;
    }

    private static EncodedCorpus existing(Path dir, ObjectNode source) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        try {
            JsonNode m = JSON.readTree(marker.toFile());
            for (Iterator<String> f = source.fieldNames(); f.hasNext(); ) {
                String k = f.next();
                // as text: JSON gives a small long back as an int node
                if (!source.get(k).asText().equals(m.path(k).asText())) {
                    LOG.info("the encoding in {} was made with another {}: encoding again", dir, k);
                    return null;
                }
            }
            return new EncodedCorpus(dir, m.path("documents").asLong(), m.path("tokens").asLong(),
                    m.path("rejected").asLong(), 0, m.path("encoder_id").asText(), m.path("encoder_doc_maxlen").asInt(),
                    m.path("query_maxlen").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    /**
     * IndexJob settings that build an index from this encoding with the encoder's own fields (encoder_id, doc_maxlen,
     * query_maxlen), so the index reads as one built from the text.
     */
    Map<String, String> indexSettings(Map<String, String> settings) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.remove("model_config");
        s.put("input", dir.toAbsolutePath().toString());
        s.put("format", "npy");
        s.put("encoder_id", encoderId);
        s.put("doc_maxlen", Integer.toString(docMaxlen));
        s.put("query_maxlen", Integer.toString(queryMaxlen));
        return s;
    }

    /** One document's id and unpooled token vectors. */
    private record Encoded(String id, float[] vectors) implements Serializable {
    }

    /**
     * Encodes a partition's documents a batch at a time, lazily (a task holds one batch of vectors), through the
     * build's own {@link DocVectors} with nothing pooled: the vectors a build from the text would pool.
     */
    private static Iterator<Encoded> encoding(Iterator<SourceDoc> in, EncoderSpec spec, HadoopConf conf, int batch) {
        DocVectors vectors = new DocVectors(spec, UNPOOLED, conf);
        long t0 = System.nanoTime();
        return new Batched<SourceDoc, Encoded>(in, batch, docs -> {
            List<EncodedDoc> v = vectors.of(docs);
            List<Encoded> out = new ArrayList<>(docs.size());
            for (int i = 0; i < docs.size(); i++) {
                out.add(new Encoded(docs.get(i).id(), v.get(i).vectors()));
            }
            return out;
        }, () -> {
            TaskContext tc = TaskContext.get();
            LOG.info("range {}: {} documents encoded, {} tokens, {} s", tc == null ? "?" : tc.partitionId(),
                    vectors.encodedDocs(), vectors.encodedTokens(),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            vectors.close();
        });
    }
}
