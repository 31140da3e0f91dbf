package io.tartan.jobs.stage;

import io.tartan.format.BuildCommit;
import io.tartan.format.IndexLayout;
import io.tartan.format.bm25.TextIndexDoc;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.bm25.TextIndexWriter;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.ivf.IvfBuilder;
import io.tartan.format.kmeans.CentroidAssigner;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.pool.TokenPooler;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Pass 2 for one shard: token vectors for each document (taken from pass 1 when the document was in the k-means
 * sample, else encoded or read now, and pooled as the index pools), nearest centroids, residuals, one Parquet shard file, the shard's IVF file and
 * the shard's text index (FORMAT.md section 11: BM25 over the document text, metadata fields).
 * Streams the partition in batches, so a shard never has to fit in memory.
 */
public final class ShardBuilder {
    private ShardBuilder() {
    }

    /**
     * Everything a task needs, shipped once per task.
     *
     * @param textIndex    the settings' {@code text-index}: {@code bm25}, {@code metadata} or null (none written)
     * @param textAnalysis the index's text analysis (settings {@code text-analysis}), for {@code bm25}
     */
    public record Context(HadoopConf conf, String indexRoot, int dim, int nbits, int numCentroids, int codeWidth,
            EncoderSpec encoder, TokenPooler pooler, Broadcast<byte[]> codec, Broadcast<CentroidAssigner> assigner,
            String textIndex, TextAnalysis textAnalysis) implements Serializable {
    }

    public static Iterator<ShardResult> build(int partition, Iterator<Tuple2<Long, SourceDoc>> docs,
            Iterator<EncodedDoc> reuse, Context ctx) {
        if (!docs.hasNext()) {
            return Collections.emptyIterator();
        }
        ResidualCodec codec = CodecFile.read(ctx.codec().value(), "broadcast codec");
        CentroidAssigner assigner = ctx.assigner().value();
        IvfBuilder ivf = new IvfBuilder(codec.numCentroids());
        IndexLayout layout = new IndexLayout(ctx.indexRoot());
        String path = IndexLayout.newShardPath(String.format("part-%05d", partition));
        long docCount = 0;
        long tokens = 0;
        long inputTokens = 0;
        long reused = 0;
        long assignNanos = 0;
        long compressNanos = 0;
        long writeNanos = 0;
        EncodedDoc pending = reuse.hasNext() ? reuse.next() : null;
        DataFile shard;
        boolean bm25 = IndexSettings.TEXT_BM25.equals(ctx.textIndex());
        try (TextIndexWriter text = ctx.textIndex() == null ? null : new TextIndexWriter(bm25, ctx.textAnalysis());
                DocVectors vectors = new DocVectors(ctx.encoder(), ctx.pooler(), ctx.conf());
                ShardWriter writer = ShardWriter.create(ctx.conf().get(), layout, path,
                        new ShardSpec(ctx.dim(), ctx.nbits(), ctx.codeWidth(), ctx.numCentroids()))) {
            List<Tuple2<Long, SourceDoc>> batch = new ArrayList<>(SampleEncoding.BATCH_DOCS);
            while (docs.hasNext()) {
                batch.clear();
                while (batch.size() < SampleEncoding.BATCH_DOCS && docs.hasNext()) {
                    batch.add(docs.next());
                }
                float[][] v = new float[batch.size()][];
                List<SourceDoc> toRead = new ArrayList<>();
                List<Integer> readAt = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    long pid = batch.get(i)._1();
                    while (pending != null && pending.pid() < pid) {
                        pending = reuse.hasNext() ? reuse.next() : null;
                    }
                    if (pending != null && pending.pid() == pid) {
                        v[i] = pending.vectors();
                        inputTokens += pending.inputTokens();
                        reused++;
                    } else {
                        toRead.add(batch.get(i)._2());
                        readAt.add(i);
                    }
                }
                List<EncodedDoc> read = vectors.of(toRead);
                for (int j = 0; j < read.size(); j++) {
                    v[readAt.get(j)] = read.get(j).vectors();
                    inputTokens += read.get(j).inputTokens();
                }
                // one assignment call per batch: the two-level search is much faster over many vectors at once
                int[] offsets = new int[batch.size() + 1];
                for (int i = 0; i < batch.size(); i++) {
                    SourceDoc d = batch.get(i)._2();
                    if (v[i].length == 0 || v[i].length % ctx.dim() != 0) {
                        throw new IllegalStateException("document '" + d.id() + "' (" + d.source() + ":" + d.line()
                                + ") gave " + v[i].length + " values, not a positive multiple of dim " + ctx.dim());
                    }
                    offsets[i + 1] = offsets[i] + v[i].length / ctx.dim();
                }
                long t0 = System.nanoTime();
                float[] all = new float[offsets[batch.size()] * ctx.dim()];
                for (int i = 0; i < batch.size(); i++) {
                    System.arraycopy(v[i], 0, all, offsets[i] * ctx.dim(), v[i].length);
                }
                int[] allCodes = new int[offsets[batch.size()]];
                assigner.assign(all, 0, allCodes.length, allCodes, null);
                assignNanos += System.nanoTime() - t0;
                for (int i = 0; i < batch.size(); i++) {
                    long pid = batch.get(i)._1();
                    SourceDoc d = batch.get(i)._2();
                    int n = offsets[i + 1] - offsets[i];
                    int[] codes = java.util.Arrays.copyOfRange(allCodes, offsets[i], offsets[i + 1]);
                    long t1 = System.nanoTime();
                    byte[] residuals = codec.compress(v[i], codes);
                    long t2 = System.nanoTime();
                    writer.write(ShardRow.of(pid, d.id(), new ResidualCodec.Compressed(codes, residuals),
                            ctx.codeWidth(), d.metadata()));
                    if (text != null) {
                        text.add(new TextIndexDoc(pid, d.id(), bm25 ? d.text() : null, d.metadata()));
                    }
                    ivf.addDocument(Math.toIntExact(pid), codes);
                    long t3 = System.nanoTime();
                    compressNanos += t2 - t1;
                    writeNanos += t3 - t2;
                    docCount++;
                    tokens += n;
                }
            }
            long t0 = System.nanoTime();
            shard = writer.finish();
            DataFile ivfFile = BuildCommit.writeIvf(ctx.conf().get(), layout, ivf.build());
            DataFile textFile = text == null ? null
                    : text.finish(ctx.conf().get(), layout, IndexLayout.textIndexPath(path));
            writeNanos += System.nanoTime() - t0;
            return List.of(new ShardResult(partition, shard, textFile, ivfFile, docCount, tokens, inputTokens,
                    vectors.encodedDocs(), reused, vectors.encodeSeconds(), vectors.poolSeconds(), assignNanos / 1e9,
                    compressNanos / 1e9, writeNanos / 1e9, KernelUsage.executorId(), KernelUsage.here())).iterator();
        }
    }
}
