package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options every {@code tartan bench} family takes: where indexes go, where figures go, IndexJob settings. */
final class BenchOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--work", defaultValue = "target/bench", description = "folder for the indexes built (default target/bench)")
    Path work;

    @Option(names = "--json", paramLabel = "OUT", description = "write the figures as JSON")
    Path json;

    @Option(names = "--md", paramLabel = "OUT", description = "write the Markdown tables")
    Path markdown;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "an IndexJob setting (ColBERT names, e.g. kmeans_niters=4); repeatable")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--reuse", description = "measure an index already built in --work by an earlier run instead of building it again")
    boolean reuse;

    void writeJson(JsonNode n) {
        write(json, () -> {
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    void writeMarkdown(String md) {
        write(markdown, () -> md);
    }

    private static void write(Path out, java.util.function.Supplier<String> text) {
        if (out == null) {
            return;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, text.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
