package io.tartan.query;

import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static io.tartan.query.HttpTestClient.json;
import static io.tartan.query.HttpTestClient.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bearer-token auth and what a 500 may tell a client. */
class ServerSecurityTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;

    @BeforeAll
    static void build() {
        fixture = TestIndex.build(dir.resolve("idx"));
    }

    @Test
    void aBearerTokenGuardsEveryEndpointButHealth() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri());
                SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 4)
                        .withAuthToken("correct-horse-battery")).start()) {
            String body = "{\"vectors\": " + vectors(fixture.query(1, 8), TestIndex.DIM) + "}";
            HttpTestClient anonymous = new HttpTestClient(server.port());
            HttpResponse<String> r = anonymous.post("/search", body);
            assertEquals(401, r.statusCode());
            assertEquals("Bearer realm=\"tartan\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
            assertTrue(json(r).get("error").asText().contains("--auth-token-file"), r.body());
            assertEquals(401, anonymous.get("/stats").statusCode());
            assertEquals(401, new HttpTestClient(server.port()).withToken("correct-horse-batter").post("/search", body).statusCode());
            assertEquals(401, new HttpTestClient(server.port()).withToken("correct-horse-battery-staple").post("/rerank", body).statusCode());
            assertEquals(200, anonymous.get("/health").statusCode(), "health stays open for load balancers");

            HttpTestClient client = new HttpTestClient(server.port()).withToken("correct-horse-battery");
            assertEquals(200, client.post("/search", body).statusCode());
            assertEquals(200, client.get("/stats").statusCode());
            assertEquals(4, json(client.get("/stats")).get("requests").get("unauthorized").asInt());
        }
    }

    @Test
    void a500NamesARequestIdAndNoExceptionText() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            index.withEncoder(new QueryEncoder() {
                @Override
                public float[] encodeQuery(String text) {
                    throw new UnsupportedOperationException("secret-internal-detail at /opt/models/private.onnx");
                }

                @Override
                public int dim() {
                    return TestIndex.DIM;
                }

                @Override
                public String encoderId() {
                    return "failing-test";
                }
            });
            try (SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 4)).start()) {
                HttpTestClient c = new HttpTestClient(server.port());
                HttpResponse<String> r = c.post("/search", "{\"query\": \"anything\"}");
                assertEquals(500, r.statusCode());
                assertFalse(r.body().contains("secret") || r.body().contains("private.onnx") || r.body().contains("Exception"), r.body());
                String id = json(r).get("request_id").asText();
                assertFalse(id.isEmpty());
                assertEquals(id, r.headers().firstValue("X-Request-Id").orElse(null));
                assertTrue(json(r).get("error").asText().contains(id));
                assertEquals(1, json(c.get("/stats")).get("requests").get("server_errors").asInt());
                assertEquals(200, c.post("/search", "{\"vectors\": " + vectors(fixture.query(1, 8), TestIndex.DIM) + "}").statusCode());
            }
        }
    }
}
