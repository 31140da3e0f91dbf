package io.tartan.jobs.maintenance;

import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaintenanceCommandsTest {
    @TempDir
    Path dir;

    /** Runs a command, returning its exit code and what it printed. */
    record Run(int code, String out, String err) {
    }

    static Run run(Object command, String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = MaintenanceCli.execute(command, args, new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void rollbackByVersionAndBySnapshotIdRestoresEarlierResultsExactly() {
        IndexFixture f = IndexFixture.build(dir, 60, 15);
        try (TartanIndex reader = TartanIndex.open(f.uri)) {
            List<SearchResult> v1 = f.results(reader);
            Manifest v2 = f.delete(hitPids(v1, 6));
            assertTrue(reader.refresh());
            List<SearchResult> at2 = f.results(reader);
            assertNotEquals(IndexFixture.hits(v1), IndexFixture.hits(at2), "the deletes change the results");

            Run dry = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "1", "--dry-run");
            assertEquals(0, dry.code(), dry.err());
            assertTrue(dry.out().contains("would restore version 1"), dry.out());
            assertEquals(List.of(1L, 2L), f.store.versions());

            Run r = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "v1");
            assertEquals(0, r.code(), r.err());
            Manifest v3 = f.store.readLatest();
            assertEquals(3, v3.version());
            assertEquals(Manifest.OP_ROLLBACK, v3.operation());
            assertEquals(v2.snapshotId(), v3.parentSnapshotId());
            assertTrue(reader.refresh());
            assertEquals(IndexFixture.hits(v1), IndexFixture.hits(f.results(reader)), "rollback restores v1 exactly");

            Run fwd = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", Long.toString(v2.snapshotId()));
            assertEquals(0, fwd.code(), fwd.err());
            assertTrue(reader.refresh());
            assertEquals(4, reader.snapshot().version());
            assertEquals(IndexFixture.hits(at2), IndexFixture.hits(f.results(reader)), "and rolls forward by snapshot id");
        }
    }

    @Test
    void rollbackErrorsAreOneClearLine() {
        IndexFixture f = IndexFixture.build(dir, 20, 10);
        f.delete(1);
        Run missing = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "9");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no snapshot version or snapshot id 9"), missing.err());
        Run current = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "2");
        assertEquals(1, current.code());
        assertTrue(current.err().contains("already current"), current.err());
        Run garbage = run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "latest");
        assertEquals(1, garbage.code());
        assertTrue(garbage.err().contains("neither a version"), garbage.err());
        Run noIndex = run(new RollbackCommand(f.conf), "--index", dir.resolve("nothing").toUri().toString(), "--to", "1");
        assertEquals(1, noIndex.code());
        assertTrue(noIndex.err().contains("no index here"), noIndex.err());
        assertEquals(List.of(1L, 2L), f.store.versions());
    }

    @Test
    void expireRemovesOldSnapshotsAndOnlyFilesNoRemainingSnapshotUses() throws Exception {
        IndexFixture f = IndexFixture.build(dir, 40, 10);
        Manifest v2 = f.delete(1, 2);
        run(new RollbackCommand(f.conf), "--index", f.uri, "--to", "1");
        f.delete(30);
        String v2Deletes = v2.deletes().get(0).path();
        assertTrue(Files.exists(dir.resolve(v2Deletes)));

        Run young = run(new ExpireCommand(f.conf), "--index", f.uri, "--older-than", "7d", "--orphan-grace", "0s");
        assertEquals(0, young.code(), young.err());
        assertEquals(List.of(1L, 2L, 3L, 4L), f.store.versions(), "no snapshot is a week old");

        Run dry = run(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "2", "--orphan-grace", "0s", "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("would remove 2 snapshot(s) [1, 2] and 1 unreferenced file(s)"), dry.out());
        assertTrue(dry.out().contains(v2Deletes), dry.out());
        assertEquals(List.of(1L, 2L, 3L, 4L), f.store.versions());
        assertTrue(Files.exists(dir.resolve(v2Deletes)));

        List<SearchResult> at3 = f.resultsAt(3);
        List<SearchResult> at4 = f.resultsAt(4);
        Run r = run(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "2", "--orphan-grace", "0s");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(3L, 4L), f.store.versions());
        assertFalse(Files.exists(dir.resolve(v2Deletes)), "only v2 used its deletion vector");
        Set<String> referenced = f.referencedFiles();
        assertEquals(referenced, f.dataFiles(), "every file a remaining snapshot uses is kept, nothing else");
        for (long v : f.store.versions()) {
            for (DataFile file : f.store.read(v).allFiles()) {
                assertTrue(Files.exists(dir.resolve(file.path())), file.path());
            }
        }
        assertEquals(IndexFixture.hits(at3), IndexFixture.hits(f.resultsAt(3)));
        assertEquals(IndexFixture.hits(at4), IndexFixture.hits(f.resultsAt(4)));
    }

    @Test
    void expireNeedsAPolicyAndNeverTheLatest() {
        IndexFixture f = IndexFixture.build(dir, 20, 10);
        Run none = run(new ExpireCommand(f.conf), "--index", f.uri);
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--keep N and/or --older-than"), none.err());
        Run zero = run(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "0");
        assertEquals(1, zero.code());
        assertTrue(zero.err().contains("keep at least 1"), zero.err());
        Run all = run(new ExpireCommand(f.conf), "--index", f.uri, "--older-than", "0s", "--orphan-grace", "0s");
        assertEquals(0, all.code(), all.err());
        assertEquals(List.of(1L), f.store.versions(), "the latest snapshot survives any policy");
        assertEquals(f.referencedFiles(), f.dataFiles());
    }

    @Test
    void agesAsOperatorsWriteThem() {
        assertEquals(Duration.ofDays(7), Age.parse("7d"));
        assertEquals(Duration.ofHours(12), Age.parse("12h"));
        assertEquals(Duration.ofMinutes(30), Age.parse("30m"));
        assertEquals(Duration.ofSeconds(45), Age.parse("45 s"));
        assertEquals(Duration.ofMillis(500), Age.parse("500ms"));
        assertEquals(Duration.ofDays(14), Age.parse("2w"));
        assertEquals(Duration.ZERO, Age.parse("0"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Age.parse("7"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Age.parse("-1d"));
        assertThrows(CommandLine.TypeConversionException.class, () -> Age.parse("soon"));
    }

    /** The pids of the top hits of the first {@code n} results. */
    static int[] hitPids(List<SearchResult> results, int n) {
        return results.stream().limit(n).mapToInt(r -> (int) r.hits().get(0).pid()).distinct().toArray();
    }
}
