package io.tartan.jobs.input;

import java.io.Serializable;

/**
 * Where one document's precomputed vectors sit in a float32 little-endian .npy file: shuffles carry this instead of
 * the vectors, and the tasks that need them read them again (a positioned read).
 */
public record VectorRef(String path, long byteOffset, int ntokens, int dim) implements Serializable {
}
