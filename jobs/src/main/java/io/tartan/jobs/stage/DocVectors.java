package io.tartan.jobs.stage;

import io.tartan.encoders.TokenEmbeddings;
import io.tartan.encoders.TokenEncoder;
import io.tartan.jobs.input.HadoopConf;
import io.tartan.jobs.input.NpyCorpusReader;
import io.tartan.jobs.input.SourceDoc;
import io.tartan.jobs.input.VectorRef;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the token vectors of a batch of documents inside one task, whatever the input: text is encoded (one shared
 * encoder per executor JVM), inline vectors are returned as they are, {@code .npy} references are read back.
 * Not thread-safe; one per task.
 */
final class DocVectors implements Closeable {
    private final EncoderSpec encoder;
    private final HadoopConf conf;
    private final Map<String, FSDataInputStream> open = new HashMap<>();
    private byte[] scratch;
    private long encodedDocs;
    private long encodedTokens;
    private long encodeNanos;

    DocVectors(EncoderSpec encoder, HadoopConf conf) {
        this.encoder = encoder;
        this.conf = conf;
    }

    /** Vectors of each document, in order. */
    List<float[]> of(List<SourceDoc> docs) {
        List<float[]> out = new ArrayList<>(docs.size());
        List<String> texts = new ArrayList<>();
        List<Integer> textAt = new ArrayList<>();
        for (SourceDoc d : docs) {
            if (d.vectors() != null) {
                out.add(d.vectors());
            } else if (d.ref() != null) {
                out.add(read(d.ref()));
            } else {
                textAt.add(out.size());
                texts.add(d.text());
                out.add(null);
            }
        }
        if (!texts.isEmpty()) {
            long t0 = System.nanoTime();
            TokenEncoder enc = encoder.open();
            List<TokenEmbeddings> e = enc.encodeDocuments(texts);
            encodeNanos += System.nanoTime() - t0;
            for (int i = 0; i < e.size(); i++) {
                out.set(textAt.get(i), e.get(i).vectors());
                encodedTokens += e.get(i).numTokens();
            }
            encodedDocs += texts.size();
        }
        return out;
    }

    private float[] read(VectorRef ref) {
        try {
            FSDataInputStream in = open.get(ref.path());
            if (in == null) {
                Path p = new Path(ref.path());
                in = p.getFileSystem(conf.get()).open(p);
                open.put(ref.path(), in);
            }
            int bytes = ref.ntokens() * ref.dim() * 4;
            if (scratch == null || scratch.length < bytes) {
                scratch = new byte[Math.max(bytes, 1 << 16)];
            }
            return NpyCorpusReader.readVectors(in, ref, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vectors from " + ref.path() + ": " + e.getMessage(), e);
        }
    }

    long encodedDocs() {
        return encodedDocs;
    }

    long encodedTokens() {
        return encodedTokens;
    }

    double encodeSeconds() {
        return encodeNanos / 1e9;
    }

    @Override
    public void close() {
        for (FSDataInputStream in : open.values()) {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
        open.clear();
    }
}
