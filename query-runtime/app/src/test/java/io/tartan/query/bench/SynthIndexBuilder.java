package io.tartan.query.bench;

import io.tartan.format.IndexLayout;
import io.tartan.format.codec.CentroidDtype;
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
 * <p>Usage: {@code SynthIndexBuilder <synth dir> <index dir> [nbits=2] [sample=131072] [iterations=4]
 * [centroid dtype=INT8] [assign-stored]}; {@code assign-stored} assigns tokens to the nearest stored (rounded) centroid
 * instead of the nearest k-means one; {@code jitter=<seed>} moves every centroid value by uniform noise of the size of
 * int8 rounding error (± half a step of max|c|/127), to measure how much recall moves with errors of that size. Centroids and codes are cached beside the index dir (see {@link KMeansResult}).
 */
public final class SynthIndexBuilder {
    public static void main(String[] args) {
        Path synth = Path.of(args[0]);
        String out = args[1];
        int nbits = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int sampleSize = args.length > 3 ? Integer.parseInt(args[3]) : 131072;
        int iterations = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        CentroidDtype dtype = args.length > 5 ? CentroidDtype.valueOf(args[5]) : CentroidDtype.INT8;
        boolean assignStored = args.length > 6 && "assign-stored".equals(args[6]);
        Long jitterSeed = args.length > 6 && args[6].startsWith("jitter=") ? Long.parseLong(args[6].substring(7)) : null;
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
        // Clustering is most of the build time and does not depend on the on-disk layout, so format experiments
        // reuse the centroids and codes of an earlier run with the same data and parameters.
        Path cache = Path.of(out).toAbsolutePath().getParent().resolve(String.format("kmeans-k%d-m%d-it%d.bin", k, m, iterations));
        KMeansResult km = KMeansResult.read(cache, k, dim, n, m);
        if (km == null) {
            float[] centroids = Arrays.copyOf(sample, k * dim);
            int[] sampleCodes = null;
            for (int it = 0; it < iterations; it++) {
                sampleCodes = CentroidAssigner.assign(sample, m, centroids, dim, true);
                centroids = update(sample, m, sampleCodes, k, dim, rnd);
                System.out.printf("k-means iteration %d done at %.1fs%n", it + 1, secs(t0));
            }
            sampleCodes = CentroidAssigner.assign(sample, m, centroids, dim, true);
            int[] codes = CentroidAssigner.assign(docs, n, centroids, dim, true);
            km = new KMeansResult(centroids, sampleCodes, codes);
            km.write(cache, k, dim);
        } else {
            System.out.printf("reused centroids and codes from %s%n", cache);
        }
        int[] codes = km.codes();
        float[] centroids = km.centroids();
        if (jitterSeed != null) {
            centroids = jitter(centroids, k, dim, new Random(jitterSeed));
        }
        ResidualCodec codec = ResidualCodec.train(dim, nbits, dtype, centroids, sample, km.sampleCodes());
        if (assignStored && dtype != CentroidDtype.FLOAT32) {
            // nearest stored centroid: the cells a query probes are ranked by the stored centroids too
            Path stored = cache.resolveSibling(cache.getFileName().toString().replace(".bin", "-" + dtype + "-codes.bin"));
            KMeansResult again = KMeansResult.read(stored, k, dim, n, 0);
            if (again == null) {
                again = new KMeansResult(codec.centroids(), new int[0],
                        CentroidAssigner.assign(docs, n, codec.centroids(), dim, true));
                again.write(stored, k, dim);
            }
            int changed = 0;
            for (int t = 0; t < n; t++) {
                changed += again.codes()[t] != codes[t] ? 1 : 0;
            }
            System.out.printf("re-assigned to the %s centroids: %d of %d codes changed%n", dtype, changed, n);
            codes = again.codes();
        }
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
            w.write(ShardRow.of(d, Integer.toString(d), new ResidualCodec.Compressed(dc, res), settings.codeWidth(), null));
            ivf.addDocument(d, dc);
            off += len;
        }
        shards.add(w.finish());
        DataFile codecFile = write(conf, layout, IndexLayout.newCodecPath(), DataFile.CODEC, CodecFile.write(codec), 0, 0);
        Ivf built = ivf.build();
        DataFile ivfFile = write(conf, layout, IndexLayout.newIvfPath(), DataFile.IVF, IvfFile.write(built),
                built.numCentroids(), built.numEntries());
        long bytes = codecFile.sizeBytes() + ivfFile.sizeBytes() + shards.stream().mapToLong(DataFile::sizeBytes).sum();
        Summary summary = new Summary(doclens.length, doclens.length, 0, n, bytes, doclens.length);
        Manifest manifest = Manifest.create(1, 1, null, System.currentTimeMillis(), Manifest.OP_BUILD, settings, codecFile,
                shards, List.of(ivfFile), List.of(), List.of(), summary, Map.of("builder", "query-runtime SynthIndexBuilder",
                        "kmeans-sample", Integer.toString(m), "kmeans-iterations", Integer.toString(iterations)));
        new ManifestStore(conf, layout).commit(manifest);
        System.out.printf("index written: %d bytes (%.2f B/token) in %.1fs%n", bytes, (double) bytes / n, secs(t0));
    }

    private static float[] jitter(float[] centroids, int k, int dim, Random rnd) {
        float[] out = centroids.clone();
        for (int c = 0; c < k; c++) {
            float max = 0;
            for (int d = 0; d < dim; d++) {
                max = Math.max(max, Math.abs(centroids[c * dim + d]));
            }
            float step = max / 127;
            for (int d = 0; d < dim; d++) {
                out[c * dim + d] += (rnd.nextFloat() - 0.5f) * step;
            }
        }
        return out;
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
