package io.tartan.query;

import io.tartan.format.IndexFormatException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntLimitTest {
    @Test
    void aCountAboveIntRangeIsAnErrorNamingTheIndexAndTheLimit() {
        assertEquals(0, IntLimit.check(0, "idx", "rows", null));
        assertEquals(IntLimit.MAX_ARRAY, IntLimit.check(IntLimit.MAX_ARRAY, "idx", "rows", null));
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> IntLimit.check(3_000_000_000L,
                "s3a://b/idx v4", "rows in one partition", "serve the index as more partitions"));
        assertTrue(e.getMessage().contains("s3a://b/idx v4"), e.getMessage());
        assertTrue(e.getMessage().contains("rows in one partition is 3000000000"), e.getMessage());
        assertTrue(e.getMessage().contains("limit of " + IntLimit.MAX_ARRAY), e.getMessage());
        assertTrue(e.getMessage().contains("more partitions"), e.getMessage());
        assertThrows(IndexFormatException.class, () -> IntLimit.check(IntLimit.MAX_ARRAY + 1L, "i", "x", null));
        assertThrows(IndexFormatException.class, () -> IntLimit.check(-1, "i", "x", null));
    }
}
