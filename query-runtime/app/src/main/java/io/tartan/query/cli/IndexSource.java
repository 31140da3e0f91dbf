package io.tartan.query.cli;

import io.tartan.query.IndexQueryEncoders;
import io.tartan.query.MissingEncoderException;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.TartanIndex;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The index a command reads (with the Hadoop/S3A settings to reach it) and the model its text queries go through:
 * shared by {@code search} and {@code eval}.
 */
public final class IndexSource {
    @Option(names = "--index", required = true, description = "index URI (local path, file:, s3a:)")
    String index;

    @Option(names = "--version", description = "manifest version to open (default: latest)")
    Long version;

    @Mixin
    IndexAccess access = new IndexAccess();

    public TartanIndex open() {
        return TartanIndex.open(index, access.openOptions(version));
    }

    /**
     * Lets {@code idx} encode text queries with the index's model (see {@link IndexQueryEncoders}).
     *
     * @throws MissingEncoderException if the index's model is not bundled and no --model-config was given
     */
    public void useModel(TartanIndex idx) {
        ModelQueryEncoder e = IndexQueryEncoders.open(idx.snapshot().manifest().settings(), access.modelConfig);
        if (e == null) {
            throw new MissingEncoderException(IndexQueryEncoders.whyNone(idx.snapshot().manifest().settings()));
        }
        idx.withEncoder(e);
    }
}
