package io.tartan.query;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A query encoder that holds each call until {@link #release} — a stand-in for a slow model, so a test can keep
 * the search workers busy for as long as it needs. Its vectors come from {@code vectors}.
 */
final class BlockingEncoder implements QueryEncoder {
    final CountDownLatch entered;
    private final CountDownLatch release = new CountDownLatch(1);
    private final Function<String, float[]> vectors;
    private final int dim;

    BlockingEncoder(int dim, int expectedCalls, Function<String, float[]> vectors) {
        this.dim = dim;
        this.entered = new CountDownLatch(expectedCalls);
        this.vectors = vectors;
    }

    void release() {
        release.countDown();
    }

    @Override
    public float[] encodeQuery(String text) {
        entered.countDown();
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the encoder");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return vectors.apply(text);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public String encoderId() {
        return "blocking-test";
    }
}
