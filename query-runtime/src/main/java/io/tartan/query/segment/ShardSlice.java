package io.tartan.query.segment;

/**
 * The part of one shard a snapshot serves: local rows {@code [from, to)} of its segment (all of them unless a
 * partition boundary cuts the shard), placed at snapshot rows {@code [base, base + to - from)}, with the rows the
 * snapshot deleted marked in a bitset (null when none are).
 */
public final class ShardSlice {
    private final ShardSegment segment;
    private final int from;
    private final int to;
    private final int base;
    private final long[] deleted;
    private final int live;
    private final long liveTokens;

    public ShardSlice(ShardSegment segment, int from, int to, int base, long[] deleted, int live, long liveTokens) {
        this.segment = segment;
        this.from = from;
        this.to = to;
        this.base = base;
        this.deleted = deleted;
        this.live = live;
        this.liveTokens = liveTokens;
    }

    /** Tokens of the live rows served. */
    public long liveTokens() {
        return liveTokens;
    }

    public ShardSegment segment() {
        return segment;
    }

    /** First local row served. */
    public int from() {
        return from;
    }

    /** End (exclusive) of the local rows served. */
    public int to() {
        return to;
    }

    /** Snapshot row of local row {@link #from()}. */
    public int base() {
        return base;
    }

    public int rows() {
        return to - from;
    }

    /** Rows served that the snapshot has not deleted. */
    public int live() {
        return live;
    }

    /** Whether local row {@code local} (in {@code [from, to)}) is served and not deleted. */
    public boolean isLive(int local) {
        if (deleted == null) {
            return true;
        }
        int i = local - from;
        return (deleted[i >>> 6] & (1L << i)) == 0;
    }
}
