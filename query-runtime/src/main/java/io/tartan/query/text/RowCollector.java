package io.tartan.query.text;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;

import java.io.IOException;

/** Collects Lucene hits as snapshot rows; documents outside the served rows are skipped. */
abstract class RowCollector extends SimpleCollector {
    private final TextIndexes idx;
    private final ScoreMode mode;
    private int docBase;
    private Scorable scorer;

    RowCollector(TextIndexes idx, ScoreMode mode) {
        this.idx = idx;
        this.mode = mode;
    }

    /** One hit of a served row; {@code scorer} is positioned on it. */
    abstract void collectRow(int row, Scorable scorer) throws IOException;

    @Override
    protected void doSetNextReader(LeafReaderContext context) {
        docBase = context.docBase;
    }

    @Override
    public void setScorer(Scorable s) {
        scorer = s;
    }

    @Override
    public void collect(int doc) throws IOException {
        int row = idx.rowOf(docBase + doc);
        if (row >= 0) {
            collectRow(row, scorer);
        }
    }

    @Override
    public ScoreMode scoreMode() {
        return mode;
    }
}
