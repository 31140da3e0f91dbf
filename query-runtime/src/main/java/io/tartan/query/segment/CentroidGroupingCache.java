package io.tartan.query.segment;

import io.tartan.format.kmeans.CentroidGrouping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The centroid groupings of the local cache directory (FORMAT.md "Serving cache", 10.4): k-means over an index's
 * centroids costs seconds (2.6 s at 16,384 centroids, 4–5 s at 32,768 on a loaded 2-core machine), so it is done
 * once per set of centroids and grouping parameters and kept in a {@link CentroidGroupingFile}, next to the serving
 * segments. Like a segment the file is derived data: used only when its header names exactly the centroids and
 * parameters asked for and its checksums hold, rebuilt otherwise.
 */
public final class CentroidGroupingCache {
    private static final Logger LOG = LoggerFactory.getLogger(CentroidGroupingCache.class);

    private final Path dir;
    private final AtomicInteger built = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();

    /**
     * @param cacheDir the cache directory; groupings go to its {@value SegmentCache#FOLDER} folder with the segments,
     *                 whose cache removes temporary files that dead builds left there
     */
    public CentroidGroupingCache(Path cacheDir) {
        this.dir = cacheDir.resolve(SegmentCache.FOLDER);
    }

    /** Groupings built (k-means run) since this cache was created. */
    public int built() {
        return built.get();
    }

    /** Existing grouping files read and used since this cache was created. */
    public int opened() {
        return opened.get();
    }

    /**
     * The file of a grouping. Every part of the key is in the name, so groupings of several codecs or parameters
     * (two servers with different settings sharing a cache) sit side by side instead of replacing each other.
     */
    public Path pathFor(CentroidGroupingFile.Key key) {
        return dir.resolve(String.format("centroids-%08x-k%d-d%d-g%d-s%x-a%d.tgrp", key.centroidsCrc(),
                key.numCentroids(), key.dim(), key.groups(), key.seed(), key.algorithm()));
    }

    /**
     * The grouping of {@code centroids} ({@code [k × dim]}) into {@code groups} groups with {@code seed}
     * ({@link CentroidGrouping#of(float[], int, int, long)}): read from its file if that checks out, else built and
     * written for the next start.
     */
    public CentroidGrouping grouping(float[] centroids, int dim, int groups, long seed) {
        int k = centroids.length / dim;
        CentroidGroupingFile.Key key = new CentroidGroupingFile.Key(CentroidGroupingFile.centroidsCrc(centroids), dim,
                k, CentroidGrouping.groups(k, groups), CentroidGrouping.ALGORITHM_VERSION, seed);
        Path p = pathFor(key);
        String what = "centroid grouping " + p;
        if (Files.isRegularFile(p)) {
            try {
                // bounded by the key before reading: a file of the wrong length is never read into the heap
                long length = Files.size(p);
                if (length != key.fileLength()) {
                    throw new StaleSegmentException(what + ": " + length + " bytes, wanted " + key.fileLength());
                }
                CentroidGrouping g = CentroidGroupingFile.decode(Files.readAllBytes(p), key, what);
                opened.incrementAndGet();
                return g;
            } catch (StaleSegmentException e) {
                LOG.warn("{}; rebuilding it", e.getMessage());
            } catch (IOException e) {
                LOG.warn("cannot read {} ({}); rebuilding it", what, e.getMessage());
            }
        }
        long t0 = System.nanoTime();
        CentroidGrouping g = CentroidGrouping.of(centroids, dim, key.groups(), seed);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        built.incrementAndGet();
        try {
            byte[] bytes = CentroidGroupingFile.encode(key, g);
            CacheFileWriter.write(p, ch -> {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                return null;
            });
            LOG.info("grouped {} centroids into {} groups in {} ms; kept in {}", k, key.groups(), ms, p);
        } catch (IOException e) {
            // the grouping is in hand: a cache that cannot be written costs the next start the k-means, not this query
            LOG.warn("grouped {} centroids in {} ms but cannot keep the grouping in {}: {}", k, ms, p, e.getMessage());
        }
        return g;
    }
}
