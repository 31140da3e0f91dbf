package io.tartan.query;

import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import io.tartan.format.manifest.IndexSettings;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the query encoder an index was built with, as its manifest records it ({@code encoder-id},
 * {@code encoder-checksum}): the shipped model config the index names when its model files are on the classpath
 * (always so for the bundled e5-small-v2), or a given model config whose checksum matches. A model whose checksum differs is refused: its query vectors would not live in the index's space.
 *
 * <p>The checksum covers doc_maxlen (FORMAT.md, encoder-checksum), which an index build may override; it is
 * compared with the model config set to the index's {@code doc-maxlen}, which does not change query vectors.
 */
public final class IndexQueryEncoders {
    private static final Logger LOG = LoggerFactory.getLogger(IndexQueryEncoders.class);
    /** The command-line flag that names a model, quoted in every message about a missing or wrong encoder. */
    public static final String FLAG = "--model-config";

    private IndexQueryEncoders() {
    }

    /**
     * The encoder for {@code index}'s text queries, or null when none is available (the index was built from
     * precomputed vectors or with a model that is not bundled, and {@code modelConfig} is null); {@link
     * #whyNone} says why.
     *
     * @param modelConfig a model config location, or null to use the shipped config named by the index's encoder id
     * @throws EncoderMismatchException if the model is not the index's (checksum, id or dim differ)
     */
    public static ModelQueryEncoder open(IndexSettings index, String modelConfig) {
        EncoderConfig config = modelConfig == null ? shippedFor(index).orElse(null) : EncoderConfig.load(modelConfig);
        if (config == null) {
            return null;
        }
        String what = modelConfig == null ? "the shipped model config '" + config.id() + "'" : FLAG + " " + modelConfig;
        if (index.encoderChecksum() != null && index.docMaxlen() > 0 && index.docMaxlen() != config.docMaxlen()
                && index.docMaxlen() <= config.modelMaxLength()) {
            config = config.withDocMaxlen(index.docMaxlen());
        }
        TokenEncoder encoder = TokenEncoders.open(config, EncoderOptions.defaults());
        try {
            check(index, encoder, what);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        return new ModelQueryEncoder(encoder);
    }

    private static void check(IndexSettings index, TokenEncoder e, String what) {
        String built = "the index was built with encoder '" + index.encoderId() + "'"
                + (index.encoderChecksum() != null ? " (" + index.encoderChecksum() + ")" : "") + ", dim " + index.dim();
        if (e.dim() != index.dim()) {
            throw new EncoderMismatchException(what + " gives " + e.dim() + "-dim vectors but " + built
                    + "; pass " + FLAG + " with the model the index was built with");
        }
        if (index.encoderChecksum() != null) {
            if (!index.encoderChecksum().equals(e.checksum())) {
                throw new EncoderMismatchException(what + " has checksum " + e.checksum() + " but " + built
                        + ": its query vectors would not match the documents; pass " + FLAG
                        + " with the model config the index was built with");
            }
            return;
        }
        if (isPrecomputed(index)) {
            LOG.warn("{} encodes text queries for an index of precomputed vectors ('{}'); nothing records which model "
                    + "made them, so make sure it is the same one", what, index.encoderId());
            return;
        }
        if (!e.encoderId().equals(index.encoderId())) {
            throw new EncoderMismatchException(what + " is encoder '" + e.encoderId() + "' but " + built
                    + "; pass " + FLAG + " with the model the index was built with");
        }
        LOG.warn("the index records no encoder-checksum; {} is accepted by its id '{}' alone", what, e.encoderId());
    }

    /**
     * The shipped config named by the index's encoder id whose model files are on the classpath: the bundled
     * e5-small-v2, or another shipped config (all-MiniLM-L6-v2, the bundled model before e5) with its model jar added.
     */
    private static Optional<EncoderConfig> shippedFor(IndexSettings index) {
        return isPrecomputed(index) ? Optional.empty()
                : EncoderConfig.shipped(index.encoderId()).filter(EncoderConfig::filesPresent);
    }

    private static boolean isPrecomputed(IndexSettings index) {
        return index.encoderId() == null || "precomputed".equals(index.encoderId());
    }

    /** Why {@link #open} found no encoder for an index without a model config, as one sentence naming the flag. */
    public static String whyNone(IndexSettings index) {
        String which;
        if (isPrecomputed(index)) {
            which = "from precomputed vectors";
        } else if (EncoderConfig.shipped(index.encoderId()).isPresent()) {
            which = "with encoder '" + index.encoderId() + "', whose model jar is not on the classpath (put it there, "
                    + "e.g. with TARTAN_CLASSPATH: encoders/README.md names the jar of each shipped config)";
        } else {
            which = "with encoder '" + index.encoderId() + "', which is not bundled";
        }
        return "text queries need a model: the index was built " + which + "; start with " + FLAG
                + " FILE (the model config of the index's encoder, dim " + index.dim() + "), or send query vectors";
    }
}
