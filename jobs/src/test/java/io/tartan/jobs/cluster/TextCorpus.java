package io.tartan.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small deterministic English corpus (JSONL, BEIR fields) for end-to-end runs of IndexJob: each document strings
 * together sentences of one topic, so that a query about a topic has clear answers and a top-10 is meaningful.
 */
public final class TextCorpus {
    public static final String[][] TOPICS = {
        {"Photosynthesis converts sunlight, water and carbon dioxide into glucose.", "Chlorophyll in plant leaves "
                + "absorbs red and blue light.", "Plants release oxygen as a by-product of photosynthesis."},
        {"The French Revolution began in 1789 in Paris.", "The storming of the Bastille became a symbol of the "
                + "revolution.", "The monarchy was abolished and a republic declared in 1792."},
        {"Black holes form when massive stars collapse.", "Nothing, not even light, escapes a black hole's event "
                + "horizon.", "Astronomers imaged the shadow of a black hole in 2019."},
        {"Sourdough rises because wild yeast ferments the dough.", "Lactic acid bacteria give sourdough bread its "
                + "sour taste.", "Bakers keep a starter culture alive by feeding it flour and water."},
        {"Antibiotics kill bacteria but not viruses.", "Overuse of antibiotics breeds resistant bacteria.",
                "Penicillin was discovered by Alexander Fleming in 1928."},
        {"Neural networks learn weights by gradient descent.", "Backpropagation computes the gradient of the loss.",
                "Deep networks stack many layers of learned features."},
        {"Volcanoes erupt ash, lava and sulfur dioxide.", "Magma rises through cracks in the Earth's crust.",
                "Iceland sits on a volcanic hot spot on the mid-Atlantic ridge."},
        {"Honey bees communicate with a waggle dance.", "Worker bees collect nectar and pollen from flowers.",
                "A colony's queen lays thousands of eggs a day."},
    };
    /** One query per topic, in topic order. */
    public static final List<String> QUERIES = List.of("how do plants make glucose from sunlight",
            "when did the french revolution start", "what escapes from a black hole",
            "why does sourdough bread rise", "do antibiotics work against viruses", "how do neural networks learn",
            "what comes out of a volcano", "how do bees tell each other where flowers are");

    private TextCorpus() {
    }

    /** The topic (index into {@link #QUERIES}) a document's text was written from; -1 if none. */
    public static int topicOf(String text) {
        for (int t = 0; t < TOPICS.length; t++) {
            for (String sentence : TOPICS[t]) {
                if (text.contains(sentence)) {
                    return t;
                }
            }
        }
        return -1;
    }

    /** Writes {@code docs} documents ({@code id} d0, d1, …) to {@code file}; the same arguments give the same file. */
    public static Path write(Path file, int docs, long seed) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>(docs);
        for (int i = 0; i < docs; i++) {
            String[] topic = TOPICS[r.nextInt(TOPICS.length)];
            StringBuilder text = new StringBuilder();
            int sentences = 2 + r.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                text.append(s == 0 ? "" : " ").append(topic[r.nextInt(topic.length)]);
            }
            lines.add("{\"id\": \"d" + i + "\", \"title\": \"document " + i + "\", \"text\": \"" + text + "\"}");
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
