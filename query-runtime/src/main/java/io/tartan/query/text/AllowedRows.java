package io.tartan.query.text;

import io.tartan.query.IndexSnapshot;
import io.tartan.query.segment.ShardSlice;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;

/** The rows a query may return: the live rows, narrowed by a metadata filter when one is given. */
public final class AllowedRows {
    private AllowedRows() {
    }

    /** Every live row of the snapshot. */
    public static BitSet live(IndexSnapshot snap) {
        BitSet live = new BitSet(snap.numRows());
        for (int i = 0; i < snap.numSlices(); i++) {
            ShardSlice sl = snap.slice(i);
            for (int local = sl.from(); local < sl.to(); local++) {
                if (sl.isLive(local)) {
                    live.set(sl.base() + local - sl.from());
                }
            }
        }
        return live;
    }

    /** The live rows whose metadata match {@code filter} (parsed with {@link MetadataFilter}). */
    public static BitSet matching(IndexSnapshot snap, TextIndexes idx, String filter) {
        Query q = MetadataFilter.parse(filter);
        BitSet out = new BitSet(snap.numRows());
        try {
            idx.searcher().search(q, new RowCollector(idx, ScoreMode.COMPLETE_NO_SCORES) {
                @Override
                void collectRow(int row, Scorable scorer) {
                    out.set(row);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.and(snap.liveRows());
        return out;
    }
}
