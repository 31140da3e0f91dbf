package io.tartan.query;

import io.tartan.format.manifest.IndexSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which encoder text queries get when no --model-config is given: the shipped config the manifest names. */
class IndexQueryEncodersTest {
    private static final String E5_CHECKSUM = "sha256:fe2b932a7a0a991a1ac6666f18477fa13960211e363fef6e316a90524329bc2c";

    private static IndexSettings builtWith(String encoderId, String checksum) {
        return new IndexSettings(384, 2, 16, 220, 32, encoderId, checksum, IndexSettings.MAXSIM_COSINE);
    }

    @Test
    void anIndexOfTheBundledModelGetsItWithItsPrefixes() {
        try (ModelQueryEncoder enc = IndexQueryEncoders.open(builtWith("e5-small-v2", E5_CHECKSUM), null)) {
            assertEquals("e5-small-v2", enc.encoderId());
            assertEquals("query: ", enc.encoder().config().queryPrefix());
            assertEquals(E5_CHECKSUM, enc.encoder().checksum());
        }
    }

    @Test
    void aShippedConfigWhoseJarIsMissingIsNamedNotGuessed() {
        // all-MiniLM-L6-v2 was the bundled model; its indexes need its jar on the classpath now
        IndexSettings minilm = builtWith("all-minilm-l6-v2", "sha256:e1232a8c42363be73f2f33af72aaead6806d6dbcc3abb4098e087d480fb8845e");
        assertNull(IndexQueryEncoders.open(minilm, null));
        String why = IndexQueryEncoders.whyNone(minilm);
        assertTrue(why.contains("all-minilm-l6-v2") && why.contains("model jar is not on the classpath")
                && why.contains(IndexQueryEncoders.FLAG), why);
    }

    @Test
    void otherModelsAndPrecomputedVectorsNeedAModelConfig() {
        IndexSettings own = builtWith("my-colbert", "sha256:00");
        assertNull(IndexQueryEncoders.open(own, null));
        assertTrue(IndexQueryEncoders.whyNone(own).contains("which is not bundled"), IndexQueryEncoders.whyNone(own));
        IndexSettings precomputed = builtWith("precomputed", null);
        assertNull(IndexQueryEncoders.open(precomputed, null));
        assertTrue(IndexQueryEncoders.whyNone(precomputed).contains("precomputed"));
        // a path-like id never reaches the classpath lookup
        assertNull(IndexQueryEncoders.open(builtWith("../configs/e5-small-v2", null), null));
    }

    @Test
    void theBundledModelIsRefusedForAnIndexWhoseChecksumDiffers() {
        assertThrows(EncoderMismatchException.class,
                () -> IndexQueryEncoders.open(builtWith("e5-small-v2", "sha256:ab"), null));
    }
}
