package io.tartan.jobs.stage;

import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.pool.TokenPooler;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Pass 1's encoding: the token vectors of the k-means sample documents, pooled as the index stores them, shard by
 * shard (same partitioning as the documents, so pass 2 can pair each shard with its already-encoded sample documents
 * instead of encoding them again).
 */
public final class SampleEncoding {
    static final int BATCH_DOCS = 256;

    private SampleEncoding() {
    }

    public static JavaRDD<EncodedDoc> encode(JavaPairRDD<Long, SourceDoc> docsByPid, EncoderSpec encoder,
            TokenPooler pooler, HadoopConf conf, double share, long seed, LongAccumulator encodedDocs) {
        return docsByPid.mapPartitions(it -> {
            Iterator<scala.Tuple2<Long, SourceDoc>> sampled = new Filtered(it, share, seed);
            DocVectors vectors = new DocVectors(encoder, pooler, conf);
            return new Batched<scala.Tuple2<Long, SourceDoc>, EncodedDoc>(sampled, BATCH_DOCS, batch -> {
                List<SourceDoc> docs = new ArrayList<>(batch.size());
                batch.forEach(t -> docs.add(t._2()));
                List<EncodedDoc> v = vectors.of(docs);
                List<EncodedDoc> out = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    out.add(new EncodedDoc(batch.get(i)._1(), v.get(i).vectors(), v.get(i).inputTokens()));
                }
                return out;
            }, () -> {
                encodedDocs.add(vectors.encodedDocs());
                vectors.close();
            });
        }, true);
    }

    /** The sample documents of a partition, in pid order. */
    private static final class Filtered implements Iterator<scala.Tuple2<Long, SourceDoc>> {
        private final Iterator<scala.Tuple2<Long, SourceDoc>> in;
        private final double share;
        private final long seed;
        private scala.Tuple2<Long, SourceDoc> next;

        Filtered(Iterator<scala.Tuple2<Long, SourceDoc>> in, double share, long seed) {
            this.in = in;
            this.share = share;
            this.seed = seed;
            advance();
        }

        private void advance() {
            next = null;
            while (in.hasNext()) {
                scala.Tuple2<Long, SourceDoc> t = in.next();
                if (KMeansSample.docInSample(t._1(), share, seed)) {
                    next = t;
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public scala.Tuple2<Long, SourceDoc> next() {
            scala.Tuple2<Long, SourceDoc> t = next;
            if (t == null) {
                throw new java.util.NoSuchElementException();
            }
            advance();
            return t;
        }
    }
}
