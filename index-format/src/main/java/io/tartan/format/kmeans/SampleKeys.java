package io.tartan.format.kmeans;

/**
 * Deterministic pseudo-random keys for items named by two longs (a document and a token, say). Sampling by "keep
 * the items with the smallest keys" or "keep the items whose key falls below a threshold" gives the same sample
 * however the items are partitioned or ordered, which is what makes a distributed build reproducible.
 */
public final class SampleKeys {
    private SampleKeys() {
    }

    /** A well-mixed 64-bit key of {@code (seed, a, b)} (SplitMix64 finaliser applied twice). */
    public static long key(long seed, long a, long b) {
        return mix(mix(seed ^ mix(a)) + b);
    }

    /** The key as a uniform double in {@code [0, 1)}. */
    public static double unit(long seed, long a, long b) {
        return (key(seed, a, b) >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
