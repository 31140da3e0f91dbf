package io.tartan.query;

import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.cli.ServeCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.tartan.query.HttpTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tartan serve} picks the encoder the manifest records, refuses a different one, and names the flag. */
class ServeCommandTest {
    @TempDir
    static Path dir;
    static String textIndex;
    static TestIndex vectorIndex;

    /** An index built with the bundled model at doc_maxlen 64 (not the config's 220), checksum recorded. */
    @BeforeAll
    static void build() {
        List<String> docs = List.of(
                "The cat sat on the warm windowsill and purred.",
                "Stock markets fell sharply after the interest rate decision.",
                "A recipe for sourdough bread with a crisp crust.",
                "The spacecraft entered orbit around Jupiter's largest moon.");
        EncoderConfig config = EncoderConfig.bundled().withDocMaxlen(64);
        try (TokenEncoder enc = TokenEncoders.open(config, EncoderOptions.defaults())) {
            float[][] vecs = enc.encodeDocuments(docs).stream().map(e -> e.vectors().clone()).toArray(float[][]::new);
            float[] all = Arrays.stream(vecs).reduce(new float[0], ServeCommandTest::concat);
            int dim = enc.dim();
            ResidualCodec codec = ResidualCodec.train(dim, 2, Arrays.copyOf(all, 8 * dim), all, null);
            IndexSettings settings = new IndexSettings(dim, 2, 8, enc.docMaxlen(), enc.queryMaxlen(), enc.encoderId(),
                    enc.checksum(), IndexSettings.MAXSIM_COSINE);
            textIndex = dir.resolve("text").toUri().toString();
            try (LocalIndexWriter w = new LocalIndexWriter(new Configuration(), new IndexLayout(textIndex), settings, codec, 10)) {
                for (int d = 0; d < docs.size(); d++) {
                    w.add("d" + d, vecs[d], null);
                }
                w.commit(Map.of());
            }
        }
        vectorIndex = TestIndex.build(dir.resolve("vectors"));
    }

    private static ServeCommand.Running serve(String... args) throws Exception {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.start();
    }

    @Test
    void textQueriesUseTheIndexsOwnEncoderByDefault() throws Exception {
        try (ServeCommand.Running r = serve("--index", textIndex, "--port", "0", "--threads", "1", "--poll-seconds", "0")) {
            HttpResponse<String> res = new HttpTestClient(r.server().port()).post("/search",
                    "{\"query\": \"bread baking recipe\", \"k\": 2, \"params\": {\"ncells\": 8}}");
            assertEquals(200, res.statusCode(), res.body());
            assertEquals("d2", json(res).get("results").get(0).get("doc_id").asText());
        }
    }

    @Test
    void aModelWhoseChecksumDiffersIsRefused() throws Exception {
        Path other = dir.resolve("other-model.json");
        Files.writeString(other, EncoderConfig.bundled().withQueryMaxlen(24).toJson());
        EncoderMismatchException e = assertThrows(EncoderMismatchException.class,
                () -> serve("--index", textIndex, "--port", "0", "--poll-seconds", "0", "--model-config", other.toString()));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains("--model-config"), e.getMessage());
    }

    @Test
    void withoutTheIndexsModelTextQueriesGet400NamingTheFlag() throws Exception {
        String vectors = "{\"vectors\": " + HttpTestClient.vectors(vectorIndex.query(1, 8), TestIndex.DIM) + "}";
        try (ServeCommand.Running r = serve("--index", vectorIndex.uri(), "--port", "0", "--poll-seconds", "0")) {
            HttpTestClient c = new HttpTestClient(r.server().port());
            HttpResponse<String> res = c.post("/search", "{\"query\": \"hello\"}");
            assertEquals(400, res.statusCode());
            String err = json(res).get("error").asText();
            assertTrue(err.contains("--model-config") && err.contains("'test'"), err);
            assertEquals(200, c.post("/search", vectors).statusCode());
        }
        try (ServeCommand.Running r = serve("--index", textIndex, "--port", "0", "--poll-seconds", "0", "--no-text")) {
            HttpResponse<String> res = new HttpTestClient(r.server().port()).post("/search", "{\"query\": \"hello\"}");
            assertEquals(400, res.statusCode());
            assertTrue(json(res).get("error").asText().contains("--no-text"), res.body());
        }
    }

    @Test
    void flagsReachTheServerAuthTokenFileAndLimits() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "  tok-3f9a\n");
        String vectors = "{\"vectors\": " + HttpTestClient.vectors(vectorIndex.query(1, 8), TestIndex.DIM) + ", \"k\": 6}";
        try (ServeCommand.Running r = serve("--index", vectorIndex.uri(), "--port", "0", "--poll-seconds", "0",
                "--auth-token-file", token.toString(), "--max-k", "5")) {
            assertEquals(401, new HttpTestClient(r.server().port()).post("/search", vectors).statusCode());
            HttpResponse<String> res = new HttpTestClient(r.server().port()).withToken("tok-3f9a").post("/search", vectors);
            assertEquals(400, res.statusCode());
            assertEquals("max_k", json(res).get("limit").asText());
        }
        Files.writeString(token, "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> serve("--index", vectorIndex.uri(), "--port", "0", "--auth-token-file", token.toString()));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
