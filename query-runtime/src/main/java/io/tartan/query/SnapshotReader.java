package io.tartan.query;

import io.tartan.format.IndexFormatException;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.manifest.Manifest;
import io.tartan.query.load.FileSource;
import io.tartan.query.load.SnapshotLoader;
import io.tartan.query.load.SnapshotLoader.ShardData;
import io.tartan.query.load.TokenNorms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a manifest into an {@link IndexSnapshot}: reads and verifies its files, drops deleted pids, logs the cost. */
final class SnapshotReader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);

    private final SnapshotLoader loader;
    private final int threads;

    SnapshotReader(FileSource source, int threads) {
        this.loader = new SnapshotLoader(source, threads);
        this.threads = threads;
    }

    IndexSnapshot read(Manifest m) {
        long t0 = System.nanoTime();
        m.validate("manifest v" + m.version());
        ResidualCodec codec = loader.codec(m);
        if (codec.dim() != m.settings().dim() || codec.nbits() != m.settings().nbits()
                || codec.numCentroids() != m.settings().numCentroids()) {
            throw new IndexFormatException(m.codec().path() + ": codec (dim " + codec.dim() + ", nbits " + codec.nbits()
                    + ", k " + codec.numCentroids() + ") disagrees with the manifest settings");
        }
        int[] deleted = loader.deletedPids(m);
        Ivf ivf = loader.ivf(m);
        long t1 = System.nanoTime();
        List<ShardData> shards = loader.shards(m, deleted);
        long t2 = System.nanoTime();

        int docs = shards.stream().mapToInt(ShardData::docs).sum();
        int tokens = shards.stream().mapToInt(ShardData::tokens).sum();
        int bpt = codec.bytesPerToken();
        int[] pids = new int[docs];
        String[] docIds = new String[docs];
        int[] docOffsets = new int[docs + 1];
        int[] codes = new int[tokens];
        byte[] residuals = new byte[tokens * bpt];
        int row = 0;
        int tok = 0;
        for (ShardData s : shards) {
            s.copyInto(pids, docIds, docOffsets, codes, residuals, row, tok, bpt);
            row += s.docs();
            tok += s.tokens();
        }
        for (int r = 1; r < docs; r++) {
            if (pids[r] <= pids[r - 1]) {
                throw new IndexFormatException("manifest v" + m.version() + ": shards overlap in pids (pid " + pids[r]
                        + " after " + pids[r - 1] + ")");
            }
        }
        Map<String, Integer> rowByDocId = new HashMap<>(docs * 2);
        for (int r = 0; r < docs; r++) {
            rowByDocId.put(docIds[r], r);
        }
        float[] invNorms = TokenNorms.inverseNorms(codec, codes, residuals, threads);
        int[][] ivfRows = ivfRows(ivf, pids);
        int[][] docCells = docCells(codes, docOffsets);
        long t3 = System.nanoTime();
        long ms = (t3 - t0) / 1_000_000;
        IndexSnapshot snap = new IndexSnapshot(m, codec, pids, docIds, docOffsets, codes, residuals, invNorms,
                ivfRows[0], ivfRows[1], docCells[0], docCells[1], rowByDocId, ms);
        long bytes = m.allFiles().stream().mapToLong(f -> f.sizeBytes()).sum();
        LOG.info("loaded index v{}: {} shards, {} docs ({} deleted pids), {} tokens, {} centroids, {} MB on disk "
                        + "({} B/token), {} MB in memory; {} ms (codec+ivf {} ms, shards {} ms, assemble+norms {} ms)",
                m.version(), m.shards().size(), docs, deleted.length, tokens, codec.numCentroids(),
                String.format("%.1f", bytes / 1e6), tokens == 0 ? 0 : String.format("%.1f", (double) bytes / tokens),
                String.format("%.1f", snap.memory().get("total") / 1e6), ms, (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        return snap;
    }

    /** Distinct sorted codes per row. Returns {offsets, cells}. */
    private static int[][] docCells(int[] codes, int[] docOffsets) {
        int docs = docOffsets.length - 1;
        int[] offsets = new int[docs + 1];
        int[] cells = new int[codes.length];
        int n = 0;
        for (int r = 0; r < docs; r++) {
            int from = docOffsets[r];
            int len = docOffsets[r + 1] - from;
            System.arraycopy(codes, from, cells, n, len);
            Arrays.sort(cells, n, n + len);
            int u = n;
            for (int i = n; i < n + len; i++) {
                if (u == n || cells[i] != cells[u - 1]) {
                    cells[u++] = cells[i];
                }
            }
            n = u;
            offsets[r + 1] = n;
        }
        return new int[][] {offsets, Arrays.copyOf(cells, n)};
    }

    /** The IVF over live rows: pids mapped to rows, deleted or missing pids dropped. Returns {offsets, rows}. */
    private static int[][] ivfRows(Ivf ivf, int[] pids) {
        int maxPid = pids.length == 0 ? 0 : pids[pids.length - 1];
        int[] rowOfPid = new int[maxPid + 1];
        Arrays.fill(rowOfPid, -1);
        for (int r = 0; r < pids.length; r++) {
            rowOfPid[pids[r]] = r;
        }
        int k = ivf.numCentroids();
        int[] offsets = new int[k + 1];
        int[] src = ivf.pids();
        int[] rows = new int[src.length];
        int n = 0;
        for (int c = 0; c < k; c++) {
            int start = ivf.start(c);
            int end = start + ivf.size(c);
            for (int i = start; i < end; i++) {
                int pid = src[i];
                int r = pid <= maxPid ? rowOfPid[pid] : -1;
                if (r >= 0) {
                    rows[n++] = r;
                }
            }
            offsets[c + 1] = n;
        }
        return new int[][] {offsets, Arrays.copyOf(rows, n)};
    }
}
