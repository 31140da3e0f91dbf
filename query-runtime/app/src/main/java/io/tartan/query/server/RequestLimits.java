package io.tartan.query.server;

import io.tartan.format.manifest.IndexSettings;

/**
 * What one HTTP request may ask of the server; each bounds the memory or CPU time a single request can take. A
 * request over a limit gets 400 naming the limit and its setting ({@link LimitExceededException}).
 *
 * @param maxBodyBytes   request body size; larger bodies get 413 ({@code --max-body-bytes})
 * @param maxQueryTokens query token vectors per request; 0 derives it from the index: {@code 4 · max(query_maxlen,
 *                       32)}, 128 for ColBERT's query_maxlen 32 ({@code --max-query-tokens}). Per-query scratch is
 *                       {@code num_centroids × tokens} floats, so this bounds it.
 * @param maxK           results per request ({@code --max-k})
 * @param maxNdocs       {@code params.ndocs}; a value within the limit but above the index's document count is
 *                       clamped to it ({@code --max-ndocs})
 * @param maxNcells      {@code params.ncells} ({@code --max-ncells})
 * @param maxRerankDocs  {@code doc_ids} of one rerank request ({@code --max-rerank-docs})
 */
public record RequestLimits(int maxBodyBytes, int maxQueryTokens, int maxK, int maxNdocs, int maxNcells, int maxRerankDocs) {
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_K = 1000;
    /** 16 · DEFAULT_MAX_K covers the FAST default ndocs at the largest k, with room to trade speed for recall. */
    public static final int DEFAULT_MAX_NDOCS = 65_536;
    public static final int DEFAULT_MAX_NCELLS = 256;
    public static final int DEFAULT_MAX_RERANK_DOCS = 10_000;

    public RequestLimits {
        positive("max_body_bytes", maxBodyBytes);
        positive("max_k", maxK);
        positive("max_ndocs", maxNdocs);
        positive("max_ncells", maxNcells);
        positive("max_rerank_docs", maxRerankDocs);
        if (maxQueryTokens < 0) {
            throw new IllegalArgumentException("max_query_tokens must be >= 0 (0 = from the index's query_maxlen), got " + maxQueryTokens);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    public static RequestLimits defaults() {
        return new RequestLimits(DEFAULT_MAX_BODY_BYTES, 0, DEFAULT_MAX_K, DEFAULT_MAX_NDOCS, DEFAULT_MAX_NCELLS,
                DEFAULT_MAX_RERANK_DOCS);
    }

    /** The query token limit in force for {@code index}. */
    public int queryTokens(IndexSettings index) {
        return maxQueryTokens > 0 ? maxQueryTokens : 4 * Math.max(index.queryMaxlen(), 32);
    }

    public RequestLimits withMaxBodyBytes(int n) {
        return new RequestLimits(n, maxQueryTokens, maxK, maxNdocs, maxNcells, maxRerankDocs);
    }

    public RequestLimits withMaxQueryTokens(int n) {
        return new RequestLimits(maxBodyBytes, n, maxK, maxNdocs, maxNcells, maxRerankDocs);
    }

    public RequestLimits withMaxK(int n) {
        return new RequestLimits(maxBodyBytes, maxQueryTokens, n, maxNdocs, maxNcells, maxRerankDocs);
    }

    public RequestLimits withMaxNdocs(int n) {
        return new RequestLimits(maxBodyBytes, maxQueryTokens, maxK, n, maxNcells, maxRerankDocs);
    }

    public RequestLimits withMaxNcells(int n) {
        return new RequestLimits(maxBodyBytes, maxQueryTokens, maxK, maxNdocs, n, maxRerankDocs);
    }

    public RequestLimits withMaxRerankDocs(int n) {
        return new RequestLimits(maxBodyBytes, maxQueryTokens, maxK, maxNdocs, maxNcells, n);
    }
}
