package io.tartan.query;

import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;

/** A {@link QueryEncoder} backed by an ONNX token encoder from the encoders module. */
public final class ModelQueryEncoder implements QueryEncoder {
    private final TokenEncoder encoder;

    public ModelQueryEncoder(TokenEncoder encoder) {
        this.encoder = encoder;
    }

    /** Opens the model a config file (or {@code classpath:} location) describes; null means the bundled e5-small-v2. */
    public static ModelQueryEncoder open(String modelConfig) {
        EncoderConfig config = modelConfig == null ? EncoderConfig.bundled() : EncoderConfig.load(modelConfig);
        return new ModelQueryEncoder(TokenEncoders.open(config, EncoderOptions.defaults()));
    }

    /** The underlying token encoder (also encodes documents). */
    public TokenEncoder encoder() {
        return encoder;
    }

    @Override
    public float[] encodeQuery(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("query: text is empty");
        }
        return encoder.encodeQuery(text).vectors();
    }

    @Override
    public int dim() {
        return encoder.dim();
    }

    @Override
    public String encoderId() {
        return encoder.encoderId();
    }

    @Override
    public void close() {
        encoder.close();
    }
}
