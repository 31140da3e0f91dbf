package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.testing.S3MockServer;
import io.tartan.query.cli.EvalCommand;
import io.tartan.query.cli.SearchCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * search, eval and serve reach an index on a non-AWS S3 endpoint (s3mock in a child JVM) through their command-line
 * Hadoop settings: {@code --conf KEY=VALUE}, {@code --hadoop-conf-file} (properties and XML) and
 * {@code $HADOOP_CONF_DIR/core-site.xml}. Each way reads its own bucket, so a file system Hadoop cached for an earlier
 * one cannot make a later one pass.
 */
@Tag("slow")
class S3SettingsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BUCKETS = List.of("b1", "b2", "b3", "b4", "b5");

    @TempDir
    static Path dir;

    static TestIndex fixture;
    static S3MockServer s3;
    /** The S3A settings that point Hadoop at s3mock. */
    static Map<String, String> settings;

    @BeforeAll
    static void uploadIndex() throws IOException {
        fixture = TestIndex.build(dir.resolve("idx"));
        s3 = S3MockServer.start(BUCKETS);
        Configuration c = new Configuration(false);
        s3.configure(c);
        settings = new TreeMap<>();
        c.forEach(e -> settings.put(e.getKey(), e.getValue()));
        try (Stream<Path> files = Files.walk(fixture.root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                for (String b : BUCKETS) {
                    s3.put(b, "idx/" + fixture.root.relativize(f).toString().replace('\\', '/'), bytes);
                }
            }
        }
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void searchTakesRepeatedConfKeyValues() throws Exception {
        float[] q = fixture.query(12, 32);
        List<String> args = new ArrayList<>(List.of("--index", "s3a://b1/idx", "--queries", queriesFile(q).toString(),
                "-k", "5", "--json", "--cache-dir", dir.resolve("cache-b1").toString()));
        settings.forEach((k, v) -> {
            args.add("--conf");
            args.add(k + "=" + v);
        });
        assertTopHitLikeLocal(q, searchOutput(args));
    }

    @Test
    void searchTakesAPropertiesFileAndFlagsWinOverIt() throws Exception {
        Map<String, String> wrong = new TreeMap<>(settings);
        wrong.put("fs.s3a.endpoint", "http://127.0.0.1:9"); // nothing listens on the discard port
        Path props = dir.resolve("s3.properties");
        Files.write(props, wrong.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        float[] q = fixture.query(20, 32);
        String out = searchOutput(List.of("--index", "s3a://b2/idx", "--queries", queriesFile(q).toString(), "-k", "5",
                "--json", "--cache-dir", dir.resolve("cache-b2").toString(), "--hadoop-conf-file", props.toString(),
                "--hadoop-conf", "fs.s3a.endpoint=" + s3.endpoint()));
        assertTopHitLikeLocal(q, out);
    }

    @Test
    void evalTakesAHadoopXmlFile() throws Exception {
        Path xml = coreSite(dir.resolve("xml-conf"));
        float[] q = fixture.query(7, 32);
        Path qrels = Files.writeString(dir.resolve("qrels.tsv"), "q\t" + TestIndex.docId(7) + "\t1\n");
        Path json = dir.resolve("eval.json");
        assertEquals(0, EvalCommand.run("--index", "s3a://b3/idx", "--queries", queriesFile(q).toString(),
                "--qrels", qrels.toString(), "--json", json.toString(), "--cache-dir", dir.resolve("cache-b3").toString(),
                "--hadoop-conf-file", xml.toString()));
        JsonNode report = JSON.readTree(json.toFile());
        assertEquals(1, report.path("queries").asInt(-1), report.toString());
    }

    @Test
    void serveReadsCoreSiteFromHadoopConfDir() throws Exception {
        Path confDir = dir.resolve("hadoop-conf");
        coreSite(confDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.tartan.query.cli.ServeCommand", "--index", "s3a://b4/idx", "--port", "0",
                "--poll-seconds", "0", "--cache-dir", dir.resolve("cache-b4").toString()).redirectErrorStream(true);
        pb.environment().put("HADOOP_CONF_DIR", confDir.toString());
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String url = null;
            StringBuilder seen = new StringBuilder();
            for (String line; url == null && (line = r.readLine()) != null; ) {
                seen.append(line).append('\n');
                int at = line.indexOf("listening on ");
                if (at >= 0) {
                    url = line.substring(at + "listening on ".length()).trim();
                }
            }
            assertNotNull(url, "serve did not start:\n" + seen);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url + "health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void searchInAChildJvmReadsHadoopConfDir() throws Exception {
        Path confDir = dir.resolve("hadoop-conf-search");
        coreSite(confDir);
        float[] q = fixture.query(30, 32);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.tartan.query.cli.SearchCommand", "--index", "s3a://b5/idx", "--queries",
                queriesFile(q).toString(), "-k", "5", "--json", "--cache-dir", dir.resolve("cache-b5").toString());
        pb.environment().put("HADOOP_CONF_DIR", confDir.toString());
        Path log = dir.resolve("search-child.log");
        Process p = pb.redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertTopHitLikeLocal(q, out);
    }

    private static Path coreSite(Path confDir) throws IOException {
        Files.createDirectories(confDir);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        settings.forEach((k, v) -> xml.append("  <property><name>").append(k).append("</name><value>").append(v)
                .append("</value></property>\n"));
        xml.append("</configuration>\n");
        return Files.writeString(confDir.resolve("core-site.xml"), xml);
    }

    private static Path queriesFile(float[] q) throws IOException {
        int dim = TestIndex.DIM;
        float[][] rows = new float[q.length / dim][dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(q, i * dim, rows[i], 0, dim);
        }
        Path f = Files.createTempFile(dir, "queries", ".jsonl");
        return Files.writeString(f, "{\"qid\": \"q\", \"vectors\": " + JSON.writeValueAsString(rows) + "}\n");
    }

    private static String searchOutput(List<String> args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = SearchCommand.run(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc, buf.toString(StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static void assertTopHitLikeLocal(float[] q, String jsonLine) throws IOException {
        List<SearchHit> local;
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            local = index.search(q, 5).hits();
        }
        JsonNode results = JSON.readTree(jsonLine.trim()).get("results");
        assertEquals(local.size(), results.size(), jsonLine);
        for (int i = 0; i < local.size(); i++) {
            assertEquals(local.get(i).docId(), results.get(i).get("doc_id").asText(), jsonLine);
        }
    }
}
