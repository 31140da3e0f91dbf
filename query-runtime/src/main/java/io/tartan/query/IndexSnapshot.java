package io.tartan.query;

import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.Manifest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded, immutable snapshot of an index: the live documents of a manifest version in compact arrays. Rows are
 * dense internal positions {@code 0..numDocs-1} in pid order; deleted pids have no row, so nothing downstream can
 * return them. Arrays are shared, never copied: callers must not modify them.
 *
 * <p>{@code invNorms[t] = 1 / ‖centroid + r̂‖} of token {@code t}: with it, a score computed straight from codes and
 * residual lookup tables equals the score against the decompressed, re-normalised vector.
 */
public final class IndexSnapshot {
    private final Manifest manifest;
    private final ResidualCodec codec;
    private final int[] pids;
    private final String[] docIds;
    private final int[] docOffsets;
    private final int[] codes;
    private final byte[] residuals;
    private final float[] invNorms;
    private final int[] ivfOffsets;
    private final int[] ivfRows;
    private final int[] cellOffsets;
    private final int[] cells;
    private final Map<String, Integer> rowByDocId;
    private final long loadMillis;

    IndexSnapshot(Manifest manifest, ResidualCodec codec, int[] pids, String[] docIds, int[] docOffsets, int[] codes,
            byte[] residuals, float[] invNorms, int[] ivfOffsets, int[] ivfRows, int[] cellOffsets, int[] cells,
            Map<String, Integer> rowByDocId, long loadMillis) {
        this.manifest = manifest;
        this.codec = codec;
        this.pids = pids;
        this.docIds = docIds;
        this.docOffsets = docOffsets;
        this.codes = codes;
        this.residuals = residuals;
        this.invNorms = invNorms;
        this.ivfOffsets = ivfOffsets;
        this.ivfRows = ivfRows;
        this.cellOffsets = cellOffsets;
        this.cells = cells;
        this.rowByDocId = rowByDocId;
        this.loadMillis = loadMillis;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Manifest version this snapshot was loaded from. */
    public long version() {
        return manifest.version();
    }

    public ResidualCodec codec() {
        return codec;
    }

    public int dim() {
        return codec.dim();
    }

    /** Live documents. */
    public int numDocs() {
        return pids.length;
    }

    /** Tokens of live documents. */
    public int numTokens() {
        return codes.length;
    }

    public int numCentroids() {
        return codec.numCentroids();
    }

    /** Centroid matrix {@code [numCentroids × dim]}. */
    public float[] centroids() {
        return codec.centroids();
    }

    public int pid(int row) {
        return pids[row];
    }

    public String docId(int row) {
        return docIds[row];
    }

    /** Row of a live document by its user id, or -1. */
    public int rowOf(String docId) {
        Integer r = rowByDocId.get(docId);
        return r == null ? -1 : r;
    }

    /** Token offsets: the tokens of row {@code r} are {@code [docOffsets[r], docOffsets[r+1])}. */
    public int[] docOffsets() {
        return docOffsets;
    }

    /** Centroid code of every token, rows back to back. */
    public int[] codes() {
        return codes;
    }

    /** Packed residuals, {@link #residualBytesPerToken()} per token, rows back to back. */
    public byte[] residuals() {
        return residuals;
    }

    public int residualBytesPerToken() {
        return codec.bytesPerToken();
    }

    /** {@code 1 / ‖centroid + r̂‖} per token. */
    public float[] invNorms() {
        return invNorms;
    }

    /** IVF over rows: the live rows with a token in centroid {@code c} are {@code ivfRows[ivfOffsets[c] .. ivfOffsets[c+1])}. */
    public int[] ivfOffsets() {
        return ivfOffsets;
    }

    public int[] ivfRows() {
        return ivfRows;
    }

    /**
     * The distinct centroid codes of each row (sorted): row {@code r}'s are {@code cells[cellOffsets[r] ..
     * cellOffsets[r+1])}. Centroid-only MaxSim takes a max over a document's codes, so scanning each distinct code
     * once gives the same score with fewer table reads.
     */
    public int[] cellOffsets() {
        return cellOffsets;
    }

    public int[] cells() {
        return cells;
    }

    public long loadMillis() {
        return loadMillis;
    }

    /** Bytes held per structure (array payloads; doc ids as UTF-16 chars plus object overhead, estimated). */
    public Map<String, Long> memory() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("centroids", 4L * codec.centroids().length);
        m.put("ivf", 4L * ivfOffsets.length + 4L * ivfRows.length);
        m.put("codes", 4L * codes.length);
        m.put("doc_cells", 4L * cellOffsets.length + 4L * cells.length);
        m.put("residuals", (long) residuals.length);
        m.put("inv_norms", 4L * invNorms.length);
        m.put("doc_offsets", 4L * docOffsets.length);
        m.put("pids", 4L * pids.length);
        long ids = 0;
        for (String id : docIds) {
            ids += 56 + 2L * id.length(); // String + char payload + array slot + hash map entry, roughly
        }
        m.put("doc_ids", ids + 48L * docIds.length);
        m.put("total", m.values().stream().mapToLong(Long::longValue).sum());
        return m;
    }
}
