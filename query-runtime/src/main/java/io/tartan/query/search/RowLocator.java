package io.tartan.query.search;

import io.tartan.query.IndexSnapshot;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;

/**
 * Finds the segment and local row of a snapshot row. Candidates mostly arrive grouped by shard, so it remembers the
 * last slice and searches only when a row falls outside it. One per query (not thread-safe).
 */
final class RowLocator {
    private final IndexSnapshot snap;
    private int lo;
    private int hi;
    private int shift;
    private ShardSegment segment;

    RowLocator(IndexSnapshot snap) {
        this.snap = snap;
    }

    /** The segment holding {@code row}; {@link #local} then gives its row there. */
    ShardSegment at(int row) {
        if (row < lo || row >= hi) {
            ShardSlice s = snap.slice(snap.sliceOf(row));
            lo = s.base();
            hi = lo + s.rows();
            shift = s.from() - lo;
            segment = s.segment();
        }
        return segment;
    }

    /** The local row of {@code row} in the segment the last {@link #at} returned. */
    int local(int row) {
        return row + shift;
    }
}
