package io.tartan.query.load;

import io.tartan.format.DeletionVectorFile;
import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the files of one manifest: codec, deletion vectors, IVF (base + deltas) and shards, each verified against
 * its checksum. Shards are parsed in parallel; each yields a {@link ShardData} of live documents only.
 */
public final class SnapshotLoader {
    private final FileSource source;
    private final int threads;

    public SnapshotLoader(FileSource source, int threads) {
        this.source = source;
        this.threads = Math.max(1, threads);
    }

    public ResidualCodec codec(Manifest m) {
        return CodecFile.read(source.read(m.codec()), m.codec().path());
    }

    /** Sorted unique deleted pids: the union of the snapshot's deletion vectors. */
    public int[] deletedPids(Manifest m) {
        int[][] parts = m.deletes().stream().map(f -> DeletionVectorFile.read(source.read(f), f.path())).toArray(int[][]::new);
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    }

    public Ivf ivf(Manifest m) {
        return Ivf.union(m.ivf().stream().map(f -> IvfFile.read(source.read(f), f.path())).toArray(Ivf[]::new));
    }

    /** The live documents of every shard, in pid order. */
    public List<ShardData> shards(Manifest m, int[] deletedPids) {
        List<DataFile> files = new ArrayList<>(m.shards());
        files.sort((a, b) -> Long.compare(a.minPid(), b.minPid()));
        ShardSpec spec = ShardSpec.of(m.settings());
        int n = Math.min(threads, Math.max(1, files.size()));
        if (n == 1) {
            return files.stream().map(f -> shard(f, spec, deletedPids)).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "tartan-load");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ShardData>> futures = files.stream().map(f -> pool.submit(() -> shard(f, spec, deletedPids))).toList();
            List<ShardData> out = new ArrayList<>();
            for (Future<ShardData> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading shards", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private ShardData shard(DataFile f, ShardSpec spec, int[] deletedPids) {
        IndexLayout from = source.layoutFor(f);
        ShardData data = new ShardData(f.path(), (int) f.recordCount(), f.tokenCount(), spec.residualBytesPerToken());
        ShardReader.read(source.conf(), from, f, spec, row -> {
            if (Arrays.binarySearch(deletedPids, Math.toIntExact(row.pid())) < 0) {
                data.add(row, spec.numCentroids());
            }
        });
        return data;
    }

    /** The live rows of one shard, in pid order. */
    public static final class ShardData {
        final String path;
        int[] pids;
        String[] docIds;
        int[] doclens;
        int[] codes;
        byte[] residuals;
        int docs;
        int tokens;

        ShardData(String path, int expectedDocs, long expectedTokens, int bpt) {
            this.path = path;
            pids = new int[Math.max(1, expectedDocs)];
            docIds = new String[pids.length];
            doclens = new int[pids.length];
            codes = new int[(int) Math.max(1, expectedTokens)];
            residuals = new byte[codes.length * bpt];
        }

        void add(ShardRow row, int numCentroids) {
            int doclen = row.doclen();
            byte[] res = row.residuals();
            if (docs == pids.length) {
                pids = Arrays.copyOf(pids, docs * 2);
                docIds = Arrays.copyOf(docIds, docs * 2);
                doclens = Arrays.copyOf(doclens, docs * 2);
            }
            if (tokens + doclen > codes.length) {
                int cap = Math.max(codes.length * 2, tokens + doclen);
                residuals = Arrays.copyOf(residuals, cap * (residuals.length / codes.length));
                codes = Arrays.copyOf(codes, cap);
            }
            pids[docs] = Math.toIntExact(row.pid());
            docIds[docs] = row.docId();
            doclens[docs] = doclen;
            row.decodeCodes(numCentroids, codes, tokens);
            System.arraycopy(res, 0, residuals, tokens * (res.length / doclen), res.length);
            docs++;
            tokens += doclen;
        }

        /** Copies this shard's rows to the snapshot arrays at row {@code row0}, token {@code tok0}. */
        public void copyInto(int[] outPids, String[] outDocIds, int[] docOffsets, int[] outCodes, byte[] outResiduals,
                int row0, int tok0, int bpt) {
            System.arraycopy(pids, 0, outPids, row0, docs);
            System.arraycopy(docIds, 0, outDocIds, row0, docs);
            int t = tok0;
            for (int i = 0; i < docs; i++) {
                docOffsets[row0 + i] = t;
                t += doclens[i];
                docOffsets[row0 + i + 1] = t;
            }
            System.arraycopy(codes, 0, outCodes, tok0, tokens);
            System.arraycopy(residuals, 0, outResiduals, tok0 * bpt, tokens * bpt);
        }

        public int docs() {
            return docs;
        }

        public int tokens() {
            return tokens;
        }
    }
}
