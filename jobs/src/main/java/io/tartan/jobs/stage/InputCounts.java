package io.tartan.jobs.stage;

import io.tartan.jobs.input.SourceDoc;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Rows read, documents kept and rejects by kind over the input: one Spark aggregation. */
public final class InputCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    private long rows;
    private long valid;
    private long estimatedTokens;
    private final TreeMap<String, Long> rejected = new TreeMap<>();

    public InputCounts add(SourceDoc d) {
        rows++;
        if (d.valid()) {
            valid++;
            estimatedTokens += d.ntokens();
        } else {
            rejected.merge(d.reject().kind(), 1L, Long::sum);
        }
        return this;
    }

    public InputCounts merge(InputCounts o) {
        rows += o.rows;
        valid += o.valid;
        estimatedTokens += o.estimatedTokens;
        o.rejected.forEach((k, v) -> rejected.merge(k, v, Long::sum));
        return this;
    }

    public long rows() {
        return rows;
    }

    public long valid() {
        return valid;
    }

    public long rejectedTotal() {
        return rows - valid;
    }

    /** Tokens of valid documents: exact for vectors, an estimate for text (used to size shards). */
    public long estimatedTokens() {
        return estimatedTokens;
    }

    public Map<String, Long> rejectedByKind() {
        return new TreeMap<>(rejected);
    }
}
