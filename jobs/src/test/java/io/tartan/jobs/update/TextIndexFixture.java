package io.tartan.jobs.update;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.cluster.TextCorpus;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A text index of {@link TextCorpus} ({@value #DOCS} documents, ids {@code d0…}) built once by {@link IndexJob} with
 * the bundled encoder, copied afresh for each test so that tests can change their copy freely.
 */
final class TextIndexFixture {
    static final int DOCS = 40;

    private final Path template;

    private TextIndexFixture(Path template) {
        this.template = template;
    }

    static TextIndexFixture build(JavaSparkContext sc, Path dir) {
        Path corpus = TextCorpus.write(dir.resolve("corpus.jsonl"), DOCS, 7);
        Path out = dir.resolve("template-index");
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", out.toString(),
            "--ncentroids", "32", "--min_shards", "2"}));
        return new TextIndexFixture(out);
    }

    static String json(String id, String text) {
        return "{\"id\": \"" + id + "\", \"text\": \"" + text.replace("\"", "\\\"") + "\"}";
    }

    /** A fresh copy of the built index under {@code dir}; returns its root. */
    String copyTo(Path dir) {
        Path root = dir.resolve("index");
        try (Stream<Path> all = Files.walk(template)) {
            for (Path p : all.toList()) {
                Path to = root.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root.toString();
    }
}
