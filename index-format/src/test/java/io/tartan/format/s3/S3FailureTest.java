package io.tartan.format.s3;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.ManifestJsonTest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.testing.S3MockServer;
import io.tartan.format.testing.SampleIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reader sees when S3 misbehaves: clear errors that name the object or bucket, quickly. */
@Tag("slow")
class S3FailureTest {
    /** Bound for a failing call with {@link S3MockServer#failFast} settings (S3A's defaults retry for minutes). */
    private static final Duration FAIL_WITHIN = Duration.ofSeconds(20);
    private static S3MockServer s3;
    private static Configuration conf;

    @BeforeAll
    static void startServer() {
        s3 = S3MockServer.start();
        conf = s3.hadoopConf();
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aShardWithOneFlippedByteIsReportedCorruptByItsS3Path() {
        IndexLayout layout = new IndexLayout("s3a://b2/corrupt");
        Manifest m = SampleIndex.write(conf, layout, 9, 30, 30);
        DataFile shard = m.shards().get(0);
        String key = "corrupt/" + shard.path();
        byte[] bytes = s3.get("b2", key);
        bytes[bytes.length / 2] ^= 0x01;
        s3.put("b2", key, bytes);

        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> ShardReader.read(conf, layout, shard, ShardSpec.of(m.settings()), row -> { }));
        assertTrue(e.getMessage().contains("s3a://b2/" + key) && e.getMessage().contains("checksum mismatch"),
                e.getMessage());
    }

    @Test
    void aMissingBucketIsNamedAndFailsFast() {
        String bucket = "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8);
        ManifestStore store = new ManifestStore(conf, new IndexLayout("s3a://" + bucket + "/idx"));
        try {
            RuntimeException e = assertFailsWithin(FAIL_WITHIN, store::readLatest);
            String msg = e.getMessage();
            assertTrue(msg.contains(bucket) && msg.toLowerCase(Locale.ROOT).contains("bucket"), msg);
        } finally {
            S3MockServer.evictCachedFileSystem(bucket, conf);
        }
    }

    @Test
    void anUnreachableEndpointFailsFastNamingTheIndex() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        Configuration dead = new Configuration(conf);
        dead.set("fs.s3a.endpoint", "http://127.0.0.1:" + deadPort);
        // a bucket name of its own: Hadoop caches one client per bucket, and this one must not be reused elsewhere
        String bucket = "unreachable-" + UUID.randomUUID().toString().substring(0, 8);
        ManifestStore store = new ManifestStore(dead, new IndexLayout("s3a://" + bucket + "/idx"));
        try {
            RuntimeException e = assertFailsWithin(FAIL_WITHIN, store::readLatest);
            assertTrue(e.getMessage().contains("s3a://" + bucket + "/idx"), e.getMessage());
        } finally {
            S3MockServer.evictCachedFileSystem(bucket, dead);
        }
    }

    /** A network failure is not a lost race, even when "412" (HTTP Precondition Failed) happens to be in the path. */
    @Test
    void anUnreachableEndpointDuringCommitIsAnIoErrorNotAConflict() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Configuration dead = new Configuration(conf);
        dead.set("fs.s3a.endpoint", "http://127.0.0.1:" + deadPort);
        String bucket = "unreachable-" + UUID.randomUUID().toString().substring(0, 8);
        ManifestStore store = new ManifestStore(dead, new IndexLayout("s3a://" + bucket + "/run-412/idx"));
        try {
            RuntimeException e = assertFailsWithin(FAIL_WITHIN, () -> store.commit(ManifestJsonTest.sample(412)));
            assertFalse(e instanceof CommitConflictException, "a connection failure reported as a conflict: " + e);
            assertTrue(e.getMessage().contains("v412.manifest.json"), e.getMessage());
        } finally {
            S3MockServer.evictCachedFileSystem(bucket, dead);
        }
    }

    private static RuntimeException assertFailsWithin(Duration bound, Runnable call) {
        long start = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(bound) < 0, "failed only after " + took.toMillis() + " ms: " + e);
        return e;
    }
}
