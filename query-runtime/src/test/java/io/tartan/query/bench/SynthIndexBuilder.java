package io.tartan.query.bench;

import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CentroidCodes;
import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfBuilder;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.manifest.Summary;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import io.tartan.query.cli.NpyArray;
import org.apache.hadoop.conf.Configuration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark-only index builder for the synthetic set ({@code gen_synth.py}): k-means on a token sample (a few Lloyd
 * iterations), brute-force assignment of every token, ColBERT's codec training, then shards, IVF and manifest v1
 * through the index-format writers. It exists because the Spark IndexJob's npy input had not landed when the query
 * runtime was benchmarked; it takes the precomputed codes that {@code LocalIndexWriter} would recompute.
 *
 * <p>Usage: {@code SynthIndexBuilder <synth dir> <index dir> [nbits=2] [sample=131072] [iterations=4]}
 */
public final class SynthIndexBuilder {
    public static void main(String[] args) {
        Path synth = Path.of(args[0]);
        String out = args[1];
        int nbits = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int sampleSize = args.length > 3 ? Integer.parseInt(args[3]) : 131072;
        int iterations = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        long t0 = System.nanoTime();
        NpyArray docsNpy = NpyArray.read(synth.resolve("docs.npy"));
        long[] doclens = NpyArray.read(synth.resolve("doclens.npy")).longs();
        float[] docs = docsNpy.floats();
        int dim = (int) docsNpy.shape()[1];
        int n = (int) docsNpy.shape()[0];
        int k = Integer.highestOneBit((int) (16 * Math.sqrt(n)));
        System.out.printf("read %d tokens, %d docs, dim %d in %.1fs; k = %d%n", n, doclens.length, dim, secs(t0), k);

        Random rnd = new Random(123);
        int m = Math.min(sampleSize, n);
        float[] sample = new float[m * dim];
        int[] perm = samplePositions(rnd, n, m);
        for (int i = 0; i < m; i++) {
            System.arraycopy(docs, perm[i] * dim, sample, i * dim, dim);
        }
        float[] centroids = Arrays.copyOf(sample, k * dim);
        int[] sampleCodes = null;
        for (int it = 0; it < iterations; it++) {
            sampleCodes = CentroidAssigner.assign(sample, m, centroids, dim, true);
            centroids = update(sample, m, sampleCodes, k, dim, rnd);
            System.out.printf("k-means iteration %d done at %.1fs%n", it + 1, secs(t0));
        }
        sampleCodes = CentroidAssigner.assign(sample, m, centroids, dim, true);
        ResidualCodec codec = ResidualCodec.train(dim, nbits, centroids, sample, sampleCodes);
        int[] codes = CentroidAssigner.assign(docs, n, centroids, dim, true);
        System.out.printf("assigned all tokens at %.1fs%n", secs(t0));

        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(out);
        IndexSettings settings = new IndexSettings(dim, nbits, k, 220, 32, "synthetic", null, IndexSettings.MAXSIM_COSINE);
        ShardSpec spec = ShardSpec.of(settings);
        IvfBuilder ivf = new IvfBuilder(k);
        List<DataFile> shards = new ArrayList<>();
        int docsPerShard = 2500;
        int off = 0;
        ShardWriter w = null;
        for (int d = 0; d < doclens.length; d++) {
            if (d % docsPerShard == 0) {
                if (w != null) {
                    shards.add(w.finish());
                }
                w = ShardWriter.create(conf, layout, IndexLayout.newShardPath(String.format("part-%05d", d / docsPerShard)), spec);
            }
            int len = (int) doclens[d];
            int[] dc = Arrays.copyOfRange(codes, off, off + len);
            byte[] res = codec.compress(Arrays.copyOfRange(docs, off * dim, (off + len) * dim), dc);
            w.write(new ShardRow(d, Integer.toString(d), len, CentroidCodes.encode(dc, 0, len, settings.codeWidth()), res, null));
            ivf.addDocument(d, dc);
            off += len;
        }
        shards.add(w.finish());
        DataFile codecFile = write(conf, layout, IndexLayout.newCodecPath(), DataFile.CODEC, CodecFile.write(codec, false), 0, 0);
        Ivf built = ivf.build();
        DataFile ivfFile = write(conf, layout, IndexLayout.newIvfPath(), DataFile.IVF, IvfFile.write(built),
                built.numCentroids(), built.numEntries());
        long bytes = codecFile.sizeBytes() + ivfFile.sizeBytes() + shards.stream().mapToLong(DataFile::sizeBytes).sum();
        Summary summary = new Summary(doclens.length, doclens.length, 0, n, bytes, doclens.length);
        Manifest manifest = Manifest.create(1, 1, null, System.currentTimeMillis(), Manifest.OP_BUILD, settings, codecFile,
                shards, List.of(ivfFile), List.of(), summary, Map.of("builder", "query-runtime SynthIndexBuilder",
                        "kmeans-sample", Integer.toString(m), "kmeans-iterations", Integer.toString(iterations)));
        new ManifestStore(conf, layout).commit(manifest);
        System.out.printf("index written: %d bytes (%.1f B/token) in %.1fs%n", bytes, (double) bytes / n, secs(t0));
    }

    private static DataFile write(Configuration conf, IndexLayout layout, String rel, String content, byte[] bytes,
            long records, long tokens) {
        IndexFiles.writeNew(conf, layout.resolve(rel), bytes);
        return DataFile.of(rel, content, bytes.length, records, tokens, Checksums.crc32c(bytes));
    }

    private static int[] samplePositions(Random rnd, int n, int m) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, m);
    }

    /** Lloyd update: normalised mean of each cluster; an empty cluster restarts at a random sample point. */
    private static float[] update(float[] sample, int m, int[] codes, int k, int dim, Random rnd) {
        double[] sums = new double[k * dim];
        int[] counts = new int[k];
        for (int t = 0; t < m; t++) {
            int c = codes[t];
            counts[c]++;
            for (int d = 0; d < dim; d++) {
                sums[c * dim + d] += sample[t * dim + d];
            }
        }
        float[] out = new float[k * dim];
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                System.arraycopy(sample, rnd.nextInt(m) * dim, out, c * dim, dim);
                continue;
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                norm += sums[c * dim + d] * sums[c * dim + d];
            }
            double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int d = 0; d < dim; d++) {
                out[c * dim + d] = (float) (sums[c * dim + d] * inv);
            }
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
