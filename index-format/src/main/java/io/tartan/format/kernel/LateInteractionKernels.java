package io.tartan.format.kernel;

/**
 * The inner loops of late-interaction search, all over a query laid out column-major: {@code qt[d·nqPad + i]} is
 * dim {@code d} of query token {@code i}, with {@code nqPad} (a multiple of {@link #QUERY_PAD}) columns whose padding
 * columns are zero. Padding columns then score exactly 0 everywhere and add nothing to a MaxSim sum, so no kernel
 * needs a tail loop over query tokens.
 *
 * <p>Score tables are laid out {@code [row][nqPad]}: one document token's scores against every query token are
 * contiguous (two cache lines for 32 query tokens), so the per-token work of MaxSim is a few vector loads and maxes.
 *
 * <p>{@link ScalarLateInteractionKernels} is the reference; {@link InteractionKernels#get()} picks the fastest
 * implementation the JVM supports.
 */
public interface LateInteractionKernels {
    /** Query columns are padded to a multiple of this (the widest float vector, AVX-512, has 16 lanes). */
    int QUERY_PAD = 16;

    /** {@code out[c·nqPad + i] = centroids_c · q_i} for all {@code numCentroids} centroids ({@code Q·Cᵀ}, transposed). */
    void centroidScores(float[] qt, int nqPad, float[] centroids, int numCentroids, int dim, float[] out);

    /**
     * The centroid matrix in the layout {@link #centroidScores(float[], int, CentroidBlocks, float[])} reads
     * fastest; prepare it once per codec (by default the row-major matrix alone).
     */
    default CentroidBlocks prepareCentroids(float[] centroids, int numCentroids, int dim) {
        return CentroidBlocks.rowMajor(centroids, numCentroids, dim);
    }

    /**
     * {@link #centroidScores(float[], int, float[], int, int, float[])} over prepared centroids: each score is the
     * same float as the row-major kernel's.
     */
    default void centroidScores(float[] qt, int nqPad, CentroidBlocks centroids, float[] out) {
        centroidScores(qt, nqPad, centroids.rows(), centroids.numCentroids(), centroids.dim(), out);
    }

    /**
     * One query token's scores against centroids laid out as {@link CentroidBlocks#blocked} with width {@link
     * #QUERY_PAD} ({@code blocks[(b·dim + d)·16 + j]} is dim {@code d} of centroid {@code 16b + j}):
     * {@code out[off + j] = centroid_j · q_i} for {@code j < ⌈numCentroids/16⌉·16} (the padding centroids score 0, so
     * {@code out} needs room for them). Each score is the same float as {@link #centroidScores}'s for that pair: the
     * vector lanes run over centroids instead of query tokens, the sum over dims in the same order. This is the
     * product a per-token coarse level needs: a token scored against a few groups' members, not every token.
     */
    void tokenScores(float[] qt, int nqPad, int i, float[] blocks, int numCentroids, int dim, float[] out, int off);

    /**
     * {@link #tokenScores} for {@code count} query tokens against the same blocks: token {@code tokens[j]}'s scores go
     * to {@code out} from {@code offs[j]}, each the same float as {@link #tokenScores} gives. Several tokens that chose
     * one group share each load of its centroids, where a token at a time loads the group once a token.
     */
    default void tokensScores(float[] qt, int nqPad, int[] tokens, int[] offs, int count, float[] blocks,
            int numCentroids, int dim, float[] out) {
        for (int j = 0; j < count; j++) {
            tokenScores(qt, nqPad, tokens[j], blocks, numCentroids, dim, out, offs[j]);
        }
    }

    /**
     * For each of the first {@code nq} query tokens, the {@code n} centroids with the highest scores in a
     * {@code [numCentroids][nqPad]} score table, best first (ties: lower centroid first): token {@code i}'s list is
     * {@code cells[i·n .. i·n + n)} with scores in {@code best}.
     */
    void topCells(float[] scores, int nqPad, int nq, int numCentroids, int n, float[] best, int[] cells);

    /**
     * Centroid-only MaxSim of the tokens {@code [from, to)}: {@code Σ_i max_t scores[codes[t]·nqPad + i]}.
     *
     * @param keep if not null, tokens whose code {@code c} has {@code keep[c] == false} are skipped (PLAID's
     *             centroid pruning); a query token no kept token reaches contributes 0
     * @param max  scratch of at least {@code nqPad} floats
     */
    float centroidMaxSim(float[] scores, int nqPad, int[] codes, int from, int to, boolean[] keep, float[] max);

    /**
     * Packs a {@code [numCentroids][32]} score table to bfloat16, two query tokens per int: int {@code c·16 + i} holds
     * token {@code i + 16} in its high half and token {@code i} in its low half (truncated). Half the bytes of the
     * float table, so the table a query's candidates hit at random fits in L2.
     */
    void packScores32(float[] scores, int numCentroids, int[] packed);

    /** {@link #centroidMaxSim} over a table from {@link #packScores32} (32 query-token columns). */
    float packedCentroidMaxSim32(int[] packed, int[] codes, int from, int to, boolean[] keep, float[] max);

    /**
     * Quantizes a {@code [numCentroids][32]} score table to int8 with one scale for the whole table: byte
     * {@code c·32 + i} is {@code round(scores[c·32 + i] / step)}, {@code step = max|score| / 127}, which it returns
     * (1 for an all-zero table). A quarter of the float table's bytes: one 32-byte load per document cell.
     */
    float packScoresInt8x32(float[] scores, int numCentroids, byte[] packed);

    /**
     * Centroid-only MaxSim of the tokens {@code [from, to)} over a table from {@link #packScoresInt8x32}, in steps:
     * {@code Σ_i max_t packed[codes[t]·32 + i]} (0 for no tokens); times the step it approximates
     * {@link #centroidMaxSim} within {@code 32 · step / 2}.
     */
    int int8CentroidMaxSim32(byte[] packed, int[] codes, int from, int to);

    /**
     * The residual lookup table of one query: entry {@code [(b·256 + v)·nqPad + i]} is the contribution of packed
     * residual byte value {@code v} at byte position {@code b} to the score against query token {@code i}, i.e.
     * {@code Σ_j q_i[b·per + j] · bucketWeights[bucket_j(v)]} over the {@code per = 8 / nbits} dims the byte holds.
     *
     * @param out at least {@code (dim·nbits/8)·256·nqPad} floats
     */
    void residualTable(float[] qt, int nqPad, int dim, int nbits, float[] bucketWeights, float[] out);

    /**
     * Exact MaxSim of the tokens {@code [from, to)} against the query, straight from codes and packed residuals:
     * a token's score is {@code (q·c + Σ_b table[b][residual byte b]) · invNorms[t]}, which equals the score against
     * the decompressed (re-normalised) vector {@code normalize(c + r̂)} up to float rounding.
     *
     * @param bpt packed residual bytes per token
     * @param max scratch of at least {@code nqPad} floats
     */
    float residualMaxSim(float[] centroidScores, float[] residualTable, int nqPad, int[] codes, byte[] residuals,
            int bpt, float[] invNorms, int from, int to, float[] max);

    /** Name for logs and benchmark tables. */
    String name();
}
