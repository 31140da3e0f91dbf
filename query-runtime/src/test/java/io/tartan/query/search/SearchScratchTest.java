package io.tartan.query.search;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchScratchTest {
    @Test
    void arraysBeyondTheJavaLimitAreAClearErrorNotAnOverflow() {
        // 262,144 centroids × 8,192 padded tokens = 2^31 floats: the int product wraps to a negative size
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchScratch.get(10, 1 << 18, 1 << 13, 0));
        assertTrue(e.getMessage().contains("centroid scores") && e.getMessage().contains("fewer query tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchScratch.get(10, 16, 32, 3L * Integer.MAX_VALUE));
    }

    @Test
    void aLongQueryGetsScratchOfItsOwnThatTheThreadDoesNotKeep() {
        SearchScratch normal = SearchScratch.get(100, 64, 32, 1024);
        SearchScratch big = SearchScratch.get(100, 64, SearchScratch.RETAINED_QUERY_TOKENS + 16, 1024);
        assertNotSame(normal, big);
        SearchScratch again = SearchScratch.get(100, 64, 32, 1024);
        assertSame(normal, again);
        assertTrue(again.centroidScores.length < 64 * (SearchScratch.RETAINED_QUERY_TOKENS + 16),
                "the thread's scratch did not grow to the long query's size");
    }
}
