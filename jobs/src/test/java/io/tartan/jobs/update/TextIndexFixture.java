package io.tartan.jobs.update;

import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A text index built once by {@link IndexJob} with the bundled encoder (one document per topic, ids {@code t0…}),
 * copied afresh for each test so that tests can change their copy freely.
 */
final class TextIndexFixture {
    static final String[] TOPICS = {
        "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen in plant leaves.",
        "The French Revolution began in 1789 with the storming of the Bastille in Paris.",
        "Black holes form when massive stars collapse under their own gravity at the end of their lives.",
        "Sourdough bread rises because wild yeast and lactic acid bacteria ferment the dough.",
        "Antibiotics kill bacteria but have no effect on viral infections such as the common cold.",
        "The Pacific Ocean is the largest and deepest of the Earth's oceans.",
        "Neural networks learn their weights by gradient descent on a loss function.",
        "Honey bees communicate the location of flowers with a waggle dance inside the hive.",
        "Glaciers carve U-shaped valleys as they slowly move down mountain slopes.",
        "The violin has four strings tuned in perfect fifths and is played with a bow.",
        "Compound interest makes savings grow exponentially over many years.",
        "Volcanic eruptions release lava, ash and sulfur dioxide into the atmosphere.",
        "Chess openings such as the Sicilian Defence have been studied for centuries.",
        "Marathon runners train their endurance with long slow runs every week.",
        "Tectonic plates drift a few centimetres per year and cause earthquakes at their edges.",
        "Coffee beans are roasted to develop their aroma before they are ground and brewed.",
    };

    private final Path template;

    private TextIndexFixture(Path template) {
        this.template = template;
    }

    static TextIndexFixture build(JavaSparkContext sc, Path dir) throws IOException {
        Path corpus = dir.resolve("corpus.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TOPICS.length; i++) {
            lines.add(json("t" + i, TOPICS[i]));
        }
        Files.write(corpus, lines);
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
