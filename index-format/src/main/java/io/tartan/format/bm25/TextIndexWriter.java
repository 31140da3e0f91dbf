package io.tartan.format.bm25;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.IndexLayout;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes the text index of one shard (FORMAT.md section 11): documents in the shard's pid order, merged into one
 * Lucene segment, packed into one file next to the shard. The index is built in the heap (a shard's text is a few
 * MB at the default shard size) and written once, so object stores see one write-once file per shard like every
 * other data file.
 */
public final class TextIndexWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean text;
    private final ByteBuffersDirectory dir = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private long count;
    private long minPid = Long.MAX_VALUE;
    private long maxPid = -1;
    private long lastPid = -1;

    /**
     * @param text     whether documents carry text (false: a metadata-only index for precomputed vectors)
     * @param analysis the index's text analysis (settings {@code text-analysis}); every shard of an index uses one
     */
    public TextIndexWriter(boolean text, TextAnalysis analysis) {
        this.text = text;
        IndexWriterConfig c = new IndexWriterConfig(analysis.analyzer())
                .setSimilarity(TextIndexSchema.similarity())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                // a log merge policy merges adjacent segments only, so Lucene doc ids keep the insertion (pid) order
                .setMergePolicy(new LogDocMergePolicy())
                .setRAMBufferSizeMB(64);
        try {
            writer = new IndexWriter(dir, c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a text index: " + e.getMessage(), e);
        }
    }

    public boolean text() {
        return text;
    }

    /** Adds the next document; pids must ascend (the shard's order). */
    public void add(TextIndexDoc d) {
        if (d.pid() <= lastPid) {
            throw new IllegalArgumentException("text index: pid " + d.pid() + " after " + lastPid + "; pids must ascend");
        }
        if (text && d.text() == null) {
            throw new IllegalArgumentException("text index: document '" + d.docId() + "' (pid " + d.pid()
                    + ") has no text");
        }
        Document doc = new Document();
        doc.add(new NumericDocValuesField(TextIndexSchema.PID, d.pid()));
        doc.add(new StoredField(TextIndexSchema.PID, d.pid()));
        doc.add(new StringField(TextIndexSchema.ID, d.docId(), Field.Store.YES));
        if (text) {
            doc.add(new TextField(TextIndexSchema.BODY, d.text(), Field.Store.YES));
        }
        Map<String, String> meta = d.metadata();
        if (meta != null && !meta.isEmpty()) {
            try {
                doc.add(new StoredField(TextIndexSchema.METADATA, JSON.writeValueAsString(meta)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            for (Map.Entry<String, String> e : meta.entrySet()) {
                doc.add(new StringField(TextIndexSchema.keywordField(e.getKey()), e.getValue(), Field.Store.NO));
                Double n = TextIndexSchema.number(e.getValue());
                if (n != null) {
                    doc.add(new DoublePoint(TextIndexSchema.numberField(e.getKey()), n));
                }
            }
        }
        try {
            writer.addDocument(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("text index: cannot add document '" + d.docId() + "': " + e.getMessage(), e);
        }
        lastPid = d.pid();
        minPid = Math.min(minPid, d.pid());
        maxPid = d.pid();
        count++;
    }

    public long count() {
        return count;
    }

    /** Merges to one segment, packs it and writes it to {@code relPath} under the index root; the manifest entry. */
    public DataFile finish(Configuration conf, IndexLayout layout, String relPath) {
        byte[] bytes;
        try {
            writer.forceMerge(1);
            writer.setLiveCommitData(Map.of(TextIndexSchema.USER_DATA_TEXT, Boolean.toString(text)).entrySet());
            writer.commit();
            writer.close();
            bytes = TextIndexFile.pack(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("text index " + relPath + ": " + e.getMessage(), e);
        }
        IndexFiles.writeNew(conf, layout.resolve(relPath), bytes);
        return new DataFile(relPath, DataFile.TEXT_INDEX, bytes.length, count, 0, Checksums.crc32c(bytes),
                count == 0 ? -1 : minPid, count == 0 ? -1 : maxPid);
    }

    @Override
    public void close() {
        try {
            if (writer.isOpen()) {
                writer.rollback();
            }
            dir.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
