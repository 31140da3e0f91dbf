package io.tartan.query.storage;

import io.tartan.query.OpenOptions;
import io.tartan.query.TartanIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoragesTest {
    @TempDir
    Path dir;

    @Test
    void pathsAndFileUrisAreLocal() throws Exception {
        Files.createDirectories(dir.resolve("metadata"));
        Files.writeString(dir.resolve("metadata/v1.manifest.json"), "{}");
        for (String uri : List.of(dir.toString(), dir.toUri().toString())) {
            IndexStorage s = Storages.open(uri, null);
            assertInstanceOf(LocalStorage.class, s);
            assertEquals(List.of("v1.manifest.json"), s.list("metadata"));
            assertEquals(List.of(), s.list("no-such-folder"));
            assertEquals("{}", new String(s.read("metadata/v1.manifest.json")));
        }
        assertNull(Storages.scheme("relative/dir:with-colon"));
        assertNull(Storages.scheme("C:\\indexes\\docs"));
        assertEquals("s3a", Storages.scheme("S3A://bucket/x"));
    }

    @Test
    void aRemoteSchemeWithoutAProviderNamesTheModuleToAdd() {
        // the core's test class path has no tartan-query-runtime-hadoop, so ServiceLoader finds no provider
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TartanIndex.open("s3a://bucket/index", OpenOptions.defaults()));
        assertTrue(e.getMessage().contains("tartan-query-runtime-hadoop"), e.getMessage());
        assertTrue(e.getMessage().startsWith("s3a://bucket/index"), e.getMessage());
    }

    @Test
    void anExplicitProviderIsAskedFirst() {
        AtomicReference<String> asked = new AtomicReference<>();
        IndexStorage remote = new LocalStorage("mem://x", dir);
        StorageProvider p = new StorageProvider() {
            @Override
            public boolean supports(String scheme) {
                asked.set(scheme);
                return scheme.equals("mem");
            }

            @Override
            public IndexStorage open(String uri) {
                return remote;
            }
        };
        assertSame(remote, Storages.open("mem://x", p));
        assertEquals("mem", asked.get());
        assertThrows(IllegalArgumentException.class, () -> Storages.open("gs://x", p));
    }
}
