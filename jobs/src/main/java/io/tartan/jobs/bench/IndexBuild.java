package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A benchmark index built with the real {@link IndexJob} into a local folder, with the job's build summary
 * (snake_case JSON: {@code seconds} per stage and {@code total}, {@code bytes_per_token}, {@code documents},
 * {@code tokens}, …).
 */
record IndexBuild(Path dir, JsonNode summary, boolean reused) {
    private static final Logger LOG = LoggerFactory.getLogger(IndexBuild.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Builds {@code dir} from scratch (an earlier build there is removed), or with {@code reuse} takes the index
     * already there and the summary its build wrote next to the manifest.
     *
     * @param settings IndexJob settings (ColBERT names, see {@link IndexConfig}); {@code output} is set here
     */
    static IndexBuild of(BenchSpark spark, Map<String, String> settings, Path dir, boolean reuse) {
        if (reuse) {
            Optional<JsonNode> s = existingSummary(dir);
            if (s.isPresent()) {
                LOG.info("reusing the index in {}", dir);
                return new IndexBuild(dir, s.get(), true);
            }
        }
        deleteTree(dir);
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.put("output", uri(dir));
        IndexConfig cfg = IndexConfig.fromMap(s);
        LOG.info("building {} from {} (nbits {})", dir, cfg.input(), cfg.nbits());
        BuildSummary summary = IndexJob.run(spark.get(), cfg);
        try {
            return new IndexBuild(dir, JSON.readTree(summary.toJson()), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An index built elsewhere, measured as it is (never rebuilt nor removed): its figures come from the summary its
     * build wrote next to the manifest (none, if it has no summary).
     */
    static IndexBuild existing(Path dir) {
        if (!Files.isDirectory(dir.resolve("metadata"))) {
            throw new IllegalArgumentException("--index " + dir + " is not an index (no metadata/ folder)");
        }
        LOG.info("measuring the prebuilt index {}", dir);
        return new IndexBuild(dir, existingSummary(dir).orElseGet(JSON::createObjectNode), true);
    }

    String uri() {
        return uri(dir);
    }

    /**
     * Adds the build's figures every benchmark reports: index, nbits, documents, rejected_documents, tokens,
     * ncentroids, build_seconds, build_stage_seconds, docs_per_second, tokens_per_second, bytes_per_token.
     */
    void putFigures(ObjectNode o) {
        o.put("index", uri());
        o.put("nbits", summary.path("nbits").asInt());
        o.put("documents", documents());
        o.put("rejected_documents", summary.path("rejected").asLong());
        o.put("tokens", tokens());
        o.put("ncentroids", summary.path("ncentroids").asInt());
        o.put("build_seconds", buildSeconds());
        ObjectNode stages = o.putObject("build_stage_seconds");
        stageSeconds().forEach(stages::put);
        o.put("docs_per_second", documents() / buildSeconds());
        o.put("tokens_per_second", tokens() / buildSeconds());
        o.put("bytes_per_token", bytesPerToken());
    }

    double buildSeconds() {
        return summary.path("seconds").path("total").asDouble(Double.NaN);
    }

    double bytesPerToken() {
        return summary.path("bytes_per_token").asDouble(Double.NaN);
    }

    long documents() {
        return summary.path("documents").asLong();
    }

    long tokens() {
        return summary.path("tokens").asLong();
    }

    /** Stage → seconds, in the job's order, without the total. */
    Map<String, Double> stageSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        summary.path("seconds").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("total")) {
                out.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return out;
    }

    static String uri(Path dir) {
        return dir.toAbsolutePath().toUri().toString();
    }

    /** The newest {@code metadata/v<N>.summary.json} of an index, if it has one. */
    static Optional<JsonNode> existingSummary(Path dir) {
        Path meta = dir.resolve("metadata");
        if (!Files.isDirectory(meta)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(meta)) {
            Optional<Path> newest = s.filter(p -> p.getFileName().toString().matches("v\\d+\\.summary\\.json"))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", ""))));
            return newest.isEmpty() ? Optional.empty() : Optional.of(JSON.readTree(newest.get().toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build summary in " + meta + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the earlier build " + dir + ": " + e.getMessage(), e);
        }
    }
}
