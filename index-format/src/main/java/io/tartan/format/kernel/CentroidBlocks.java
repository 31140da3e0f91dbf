package io.tartan.format.kernel;

/**
 * A centroid matrix prepared once per codec for {@link LateInteractionKernels#centroidScores(float[], int,
 * CentroidBlocks, float[])}: the row-major matrix, and where the kernels that prepared it read another layout, the
 * centroids in groups of {@code width}, dim-major inside a group ({@code blocks[(b·dim + d)·width + j]} is dim
 * {@code d} of centroid {@code b·width + j}; the last group padded with zero centroids). A kernel that scores a group
 * of centroids at once broadcasts their elements dim by dim: from this layout those are consecutive floats of one
 * stream, from the rows they are {@code width} loads 4·dim bytes apart.
 *
 * @param width 0 where {@code blocks} is null (row-major only)
 */
public record CentroidBlocks(float[] rows, int numCentroids, int dim, int width, float[] blocks) {
    /** The row-major matrix alone: kernels that have no blocked path read {@code rows}. */
    public static CentroidBlocks rowMajor(float[] rows, int numCentroids, int dim) {
        return new CentroidBlocks(rows, numCentroids, dim, 0, null);
    }

    /** Also lays the centroids out in groups of {@code width} (8 MB more heap at 16,384 × 128). */
    public static CentroidBlocks blocked(float[] rows, int numCentroids, int dim, int width) {
        int nb = (numCentroids + width - 1) / width;
        float[] blocks = new float[nb * dim * width];
        for (int c = 0; c < numCentroids; c++) {
            int b = c / width;
            int j = c % width;
            for (int d = 0; d < dim; d++) {
                blocks[(b * dim + d) * width + j] = rows[c * dim + d];
            }
        }
        return new CentroidBlocks(rows, numCentroids, dim, width, blocks);
    }

    /** Heap bytes of the blocked copy (the rows belong to the codec). */
    public long blockBytes() {
        return blocks == null ? 0 : 4L * blocks.length;
    }
}
