package io.tartan.query.search;

/**
 * Per-thread buffers one document's mapped data is copied into (one bulk copy per array), so the kernels read plain
 * arrays from offset 0. Sized for the longest document of the snapshot; reused across queries.
 */
final class DocBuffers {
    /** IVF entries copied per bulk read. */
    static final int IVF_BLOCK = 4096;
    private static final ThreadLocal<DocBuffers> LOCAL = ThreadLocal.withInitial(DocBuffers::new);

    int[] codes = new int[0];
    byte[] residuals = new byte[0];
    float[] invNorms = new float[0];
    int[] cells = new int[0];
    /**
     * Stage 3's cells of up to {@link CentroidRanker#CELL_BLOCK} documents, back to back; at least the longest
     * document's, so one always fits.
     */
    int[] cellBlock = new int[0];
    final int[] cellEnds = new int[CentroidRanker.CELL_BLOCK];
    final int[] ivf = new int[IVF_BLOCK];

    static DocBuffers get(int maxDoclen, int bytesPerToken) {
        DocBuffers b = LOCAL.get();
        if (b.codes.length < maxDoclen) {
            b.codes = new int[maxDoclen];
            b.invNorms = new float[maxDoclen];
            b.cells = new int[maxDoclen];
            b.cellBlock = new int[Math.max(CentroidRanker.CELL_BLOCK_INTS, maxDoclen)];
        }
        if (b.residuals.length < maxDoclen * bytesPerToken) {
            b.residuals = new byte[maxDoclen * bytesPerToken];
        }
        return b;
    }
}
