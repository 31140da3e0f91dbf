package io.tartan.jobs.search;

import io.tartan.encoders.TokenEmbeddings;
import io.tartan.encoders.TokenEncoder;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.stage.EncoderSpec;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Turns one partition of validated queries into {@link SearchQuery}s: text queries go through the executor's shared
 * encoder ({@link EncoderSpec#open()}, one ONNX session per JVM) in batches, exactly as the query runtime encodes a
 * query ({@code [CLS] [Q] … [SEP]}, [MASK]-padded to query_maxlen); vector queries pass through. Lazy, so a
 * partition is never held in memory whole.
 */
final class QueryEncoding implements Iterator<SearchQuery> {
    private final Iterator<Tuple2<Long, SourceDoc>> in;
    private final EncoderSpec spec;
    private final List<SearchQuery> ready = new ArrayList<>();
    private final LongAccumulator encoded;
    private int next;

    /** @param encoded counts the text queries encoded */
    QueryEncoding(Iterator<Tuple2<Long, SourceDoc>> in, EncoderSpec spec, LongAccumulator encoded) {
        this.in = in;
        this.spec = spec;
        this.encoded = encoded;
    }

    @Override
    public boolean hasNext() {
        if (next < ready.size()) {
            return true;
        }
        fill();
        return next < ready.size();
    }

    @Override
    public SearchQuery next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(next++);
    }

    /** Takes queries up to a batch of texts (or the end) and encodes that batch in one encoder run. */
    private void fill() {
        ready.clear();
        next = 0;
        List<Tuple2<Long, SourceDoc>> batch = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (in.hasNext() && texts.size() < spec.batchSize()) {
            Tuple2<Long, SourceDoc> q = in.next();
            batch.add(q);
            if (q._2().vectors() == null) {
                texts.add(q._2().text());
            }
        }
        List<TokenEmbeddings> vectors = texts.isEmpty() ? List.of() : encoder().encodeQueries(texts);
        encoded.add(texts.size());
        int t = 0;
        for (Tuple2<Long, SourceDoc> q : batch) {
            float[] v = q._2().vectors() != null ? q._2().vectors() : vectors.get(t++).vectors();
            ready.add(new SearchQuery(q._1(), q._2().id(), v));
        }
    }

    private TokenEncoder encoder() {
        return spec.open();
    }
}
