package io.tartan.format.bm25;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.IndexFormatException;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The container of a shard's text index (FORMAT.md section 11): a ZIP archive of the files of one Lucene 9 index
 * directory, entries stored flat by their Lucene file names. One file per shard keeps the manifest's one-entry,
 * one-checksum rule and object stores' write-once files; Lucene's own per-file checksums are verified on open.
 */
public final class TextIndexFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };

    private TextIndexFile() {
    }

    /** The files of {@code dir} as one archive. */
    public static byte[] pack(Directory dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            // Lucene's files are compressed already
            zip.setLevel(0);
            for (String name : dir.listAll()) {
                zip.putNextEntry(new ZipEntry(name));
                try (IndexInput in = dir.openInput(name, IOContext.READONCE)) {
                    byte[] buf = new byte[(int) in.length()];
                    in.readBytes(buf, 0, buf.length);
                    zip.write(buf);
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Opens an archive as a Lucene reader over an in-heap directory; {@code where} names it in errors. */
    public static DirectoryReader open(byte[] archive, String where) {
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            int files = 0;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().contains("/")) {
                    throw new IndexFormatException(where + ": text index entry '" + e.getName() + "' is not flat");
                }
                try (IndexOutput out = dir.createOutput(e.getName(), IOContext.DEFAULT)) {
                    byte[] buf = zip.readAllBytes();
                    out.writeBytes(buf, buf.length);
                }
                files++;
            }
            if (files == 0) {
                throw new IndexFormatException(where + ": text index archive is empty");
            }
            DirectoryReader r = DirectoryReader.open(dir);
            if (r.leaves().size() > 1) {
                r.close();
                throw new IndexFormatException(where + ": text index has " + r.leaves().size()
                        + " segments; writers must merge it to one");
            }
            return r;
        } catch (IOException ex) {
            throw new IndexFormatException(where + ": unreadable text index: " + ex.getMessage(), ex);
        }
    }

    /** Whether the index holds document text (false: metadata only). */
    public static boolean hasText(DirectoryReader r) {
        try {
            return Boolean.parseBoolean(r.getIndexCommit().getUserData().get(TextIndexSchema.USER_DATA_TEXT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shard pid of each Lucene document of a one-segment index, by doc id. */
    public static long[] pids(DirectoryReader r, String where) {
        if (r.leaves().isEmpty()) {
            return new long[0];
        }
        LeafReader leaf = r.leaves().get(0).reader();
        long[] pids = new long[leaf.maxDoc()];
        try {
            NumericDocValues dv = leaf.getNumericDocValues(TextIndexSchema.PID);
            for (int d = 0; d < pids.length; d++) {
                if (dv == null || !dv.advanceExact(d)) {
                    throw new IndexFormatException(where + ": text index document " + d + " has no pid");
                }
                pids[d] = dv.longValue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Every document in doc id (= pid) order, as written; compaction copies them into new shards' indexes. */
    public static List<TextIndexDoc> documents(DirectoryReader r, String where) {
        long[] pids = pids(r, where);
        List<TextIndexDoc> docs = new ArrayList<>(pids.length);
        try {
            StoredFields stored = r.storedFields();
            for (int d = 0; d < pids.length; d++) {
                docs.add(document(stored, d, pids[d]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** The stored fields of one document. */
    public static TextIndexDoc document(StoredFields stored, int doc, long pid) throws IOException {
        Document d = stored.document(doc);
        String meta = d.get(TextIndexSchema.METADATA);
        return new TextIndexDoc(pid, d.get(TextIndexSchema.ID), d.get(TextIndexSchema.BODY),
                meta == null ? null : JSON.readValue(meta, MAP));
    }
}
