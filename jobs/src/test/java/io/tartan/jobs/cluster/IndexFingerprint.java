package io.tartan.jobs.cluster;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import org.apache.hadoop.conf.Configuration;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * What makes two builds the same index: the settings, the codec and IVF files (their CRC32C from the manifest:
 * Tartan writes them byte for byte the same), and every shard's rows (pid, doc id, doclen, codes, residuals,
 * metadata) in pid order. Shard files are compared by their rows, not their bytes: parquet-java writes a column's
 * encodings from a hash set in the footer, whose order changes from one JVM to the next.
 */
public record IndexFingerprint(String settings, String codec, List<String> ivf, List<String> shards) {
    /** The fingerprint of the latest snapshot of the index at {@code uri}. */
    public static IndexFingerprint of(Configuration conf, String uri) {
        IndexLayout layout = new IndexLayout(uri);
        Manifest m = new ManifestStore(conf, layout).readLatest();
        ShardSpec spec = ShardSpec.of(m.settings());
        List<String> shards = new ArrayList<>();
        for (DataFile f : m.shards().stream().sorted(Comparator.comparingLong(DataFile::minPid)).toList()) {
            TreeMap<Long, ShardRow> rows = new TreeMap<>();
            ShardReader.read(conf, layout, f, spec, r -> rows.put(r.pid(), r));
            shards.add("pids " + f.minPid() + ".." + f.maxPid() + " rows " + f.recordCount() + " tokens "
                    + f.tokenCount() + " sha256 " + digest(rows.values()));
        }
        return new IndexFingerprint(String.valueOf(m.settings()), m.codec().checksum(),
                m.ivf().stream().map(DataFile::checksum).sorted().toList(), shards);
    }

    private static String digest(Iterable<ShardRow> rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (ShardRow r : rows) {
                md.update(ByteBuffer.allocate(12).putLong(r.pid()).putInt(r.doclen()).array());
                md.update((r.docId() + "\u0000" + (r.metadata() == null ? "{}" : new TreeMap<>(r.metadata())) + "\u0000")
                        .getBytes(StandardCharsets.UTF_8));
                md.update(r.codes());
                md.update(r.residuals());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
