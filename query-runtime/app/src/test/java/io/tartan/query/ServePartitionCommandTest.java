package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tartan.query.cli.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.tartan.query.HttpTestClient.json;
import static io.tartan.query.HttpTestClient.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tartan serve --partition i/n} and {@code --route}: the flags parse, reach the servers, and bad ones are named. */
class ServePartitionCommandTest {
    @TempDir
    Path dir;

    private static ServeCommand parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void badPartitionValuesAreRejectedWithAClearMessage() {
        for (String bad : new String[] {"3/3", "-1/3", "1", "a/b", "1/0", "1/3/4", ""}) {
            CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                    () -> parse("--index", "x", "--port", "0", "--partition", bad), bad);
            assertTrue(e.getMessage().contains("--partition") && e.getMessage().contains("is not a partition"), e.getMessage());
        }
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> parse("--index", "x", "--route", "http://127.0.0.1:1", "--port", "0").start());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class, () -> parse("--port", "0").start());
        assertTrue(neither.getMessage().contains("--route"), neither.getMessage());
        IllegalArgumentException partitionedRouter = assertThrows(IllegalArgumentException.class,
                () -> parse("--route", "http://127.0.0.1:1", "--partition", "0/2", "--port", "0").start());
        assertTrue(partitionedRouter.getMessage().contains("--partition"), partitionedRouter.getMessage());
        IllegalArgumentException badUrl = assertThrows(IllegalArgumentException.class,
                () -> parse("--route", "localhost:8080", "--port", "0").start());
        assertTrue(badUrl.getMessage().contains("localhost:8080"), badUrl.getMessage());
    }

    @Test
    void partitionServersAndARouterStartedFromTheCliAnswerLikeOneNode() throws Exception {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        Path token = Files.writeString(dir.resolve("token"), "part-token\n");
        List<ServeCommand.Running> parts = new ArrayList<>();
        try (TartanIndex whole = TartanIndex.open(fx.uri())) {
            StringBuilder urls = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                ServeCommand.Running r = parse("--index", fx.uri(), "--port", "0", "--threads", "1", "--poll-seconds", "0",
                        "--no-text", "--partition", i + "/3", "--auth-token-file", token.toString(),
                        "--cache-dir", dir.resolve("cache").toString()).start();
                parts.add(r);
                assertEquals(new Partition(i, 3), r.index().partition());
                urls.append(i == 0 ? "" : ",").append("http://127.0.0.1:").append(r.server().port());
            }
            ServeCommand cmd = parse("--route", urls.toString(), "--port", "0", "--threads", "2", "--partition-timeout-ms", "5000",
                    "--partition-auth-token-file", token.toString(), "--max-k", "50");
            try (ServeCommand.Running router = cmd.start()) {
                assertEquals(5000, router.router().settings().partitionTimeoutMs());
                HttpTestClient http = new HttpTestClient(router.server().port());
                float[] q = fx.query(42, 24);
                HttpResponse<String> res = http.post("/search", "{\"vectors\": " + vectors(q, TestIndex.DIM)
                        + ", \"k\": 10, \"params\": {\"mode\": \"exact\"}}");
                assertEquals(200, res.statusCode(), res.body());
                JsonNode j = json(res);
                assertFalse(j.get("partial").asBoolean());
                SearchResult single = whole.searchExact(q, 10);
                for (int i = 0; i < 10; i++) {
                    assertEquals(single.hits().get(i).docId(), j.get("results").get(i).get("doc_id").asText());
                    assertEquals(single.hits().get(i).score(), j.get("results").get(i).get("score").floatValue());
                }
                assertEquals(400, http.post("/search", "{\"vectors\": " + vectors(q, TestIndex.DIM) + ", \"k\": 51}").statusCode());
            }
        } finally {
            parts.forEach(ServeCommand.Running::close);
        }
    }
}
