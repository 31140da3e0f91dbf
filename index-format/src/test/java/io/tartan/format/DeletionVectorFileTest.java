package io.tartan.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeletionVectorFileTest {
    @Test
    void roundTripSortsAndDeduplicates() {
        assertArrayEquals(new int[] {1, 4, 9}, DeletionVectorFile.read(DeletionVectorFile.write(new int[] {9, 1, 4, 4}), "d"));
        assertArrayEquals(new int[0], DeletionVectorFile.read(DeletionVectorFile.write(new int[0]), "e"));
        byte[] b = DeletionVectorFile.write(new int[] {3});
        b[9] ^= 4;
        assertThrows(CorruptFileException.class, () -> DeletionVectorFile.read(b, "deletes/x.tdel"));
    }
}
