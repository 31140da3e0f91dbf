package io.tartan.query.hadoop;

import io.tartan.format.IndexFormatException;
import io.tartan.query.storage.IndexStorage;
import io.tartan.query.storage.Storages;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HadoopStorageProviderTest {
    @TempDir
    Path dir;

    @Test
    void serviceLoaderFindsItForS3a() {
        // no explicit provider: the core finds this module's through META-INF/services
        IndexStorage s = Storages.open("s3a://bucket/index", null);
        assertInstanceOf(HadoopStorage.class, s);
        assertNull(s.localFile("metadata/v1.manifest.json"));
        assertEquals("s3a://bucket/index/metadata/v1.manifest.json", s.describe("metadata/v1.manifest.json"));
    }

    @Test
    void supportsTheSchemesHadoopHasFileSystemsFor() {
        HadoopStorageProvider p = new HadoopStorageProvider(new Configuration());
        assertTrue(p.supports("s3a"));
        assertFalse(p.supports("no-such-fs"));
    }

    @Test
    void listsAndReadsThroughHadoop() throws Exception {
        Files.createDirectories(dir.resolve("metadata"));
        Files.write(dir.resolve("metadata/v2.manifest.json"), new byte[] {1, 2, 3});
        IndexStorage s = new HadoopStorage(dir.toUri().toString(), new Configuration());
        assertEquals(List.of("v2.manifest.json"), s.list("metadata"));
        assertEquals(List.of(), s.list("missing"));
        assertArrayEquals(new byte[] {1, 2, 3}, s.read("metadata/v2.manifest.json"));
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> s.read("metadata/v3.manifest.json"));
        assertTrue(e.getMessage().contains("v3.manifest.json"), e.getMessage());
    }
}
