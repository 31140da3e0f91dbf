package io.tartan.query;

import java.nio.file.Path;

/** {@link TestIndex} for tests of other packages, which see only its location. */
public final class TestIndexes {
    private TestIndexes() {
    }

    /** Builds {@link TestIndex}'s index ({@value TestIndex#DOCS} documents, 70 a shard) under {@code root}; its URI. */
    public static String build(Path root) {
        return TestIndex.build(root).uri();
    }
}
