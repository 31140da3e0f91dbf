package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.bench.SynthQueries;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Measurement for a stage-2 screen: FAST's candidates cut to the best N by a per-document score counted while the
 * probed cells' IVF lists are walked, then stage 3 and 4 as FAST runs them. Scores: hits (distinct query tokens whose
 * probed cells hold the document), mult (probed (token, cell) pairs holding it), wsum (Σ over hitting tokens of
 * the best such cell's centroid score), hits+wsum (hits, ties by wsum). Prints recall@10 against exact_top10.tsv and
 * the share of the exact top 10 the screen keeps. Usage: {@code ScreenSweep <index> <synth> <ncells|-> N...} (N 0: no
 * screen, today's FAST; ncells -: FAST's default for the index).
 *
 * <p>On the synthetic set (200 queries, nexact 64): at FAST's default ncells no screen below the full candidate set
 * holds recall@10 0.85 (1×, ncells 4: hits N 2048 0.8405, N 4096 0.8485, today 0.855; 4×, ncells 8: hits N 12288 of
 * 21380 0.8425, today 0.8585); the hits of a true top-10 document come from few tokens when only 4-8 cells a token
 * are probed. With ncells 16 at both sizes it does: hits N 2048 0.856 at 1× (of 12707 candidates), N 10240 0.8575
 * at 4× (of 34223). N then grows with the index (about 10-13% of the documents), and the extra top cells and IVF
 * walk cost about what stage 3 saves at 1×, while at 4× stage 3 falls by about half.
 */
public final class ScreenSweep {
    public static void main(String[] args) throws Exception {
        TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults());
        IndexSnapshot snap = idx.snapshot();
        SynthQueries queries = SynthQueries.read(Path.of(args[1]));
        Integer ncells = args[2].equals("-") ? null : Integer.valueOf(args[2]);
        int[] ns = Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray();
        LateInteractionKernels kernels = InteractionKernels.get();
        SearchParams.Resolved p = SearchParams.defaults().withNcells(ncells).resolve(10, snap.numCentroids());
        String[] names = {"hits", "mult", "wsum", "hits+wsum"};
        long[][] recall = new long[names.length][ns.length];
        long[][] kept = new long[names.length][ns.length];
        int rows = snap.numRows();
        int[] stamp = new int[rows];
        int[] hits = new int[rows];
        int[] mult = new int[rows];
        float[] wsum = new float[rows];
        int[] cand = new int[rows];
        Arrays.fill(stamp, -1);
        double meanCands = 0;
        int nq = queries.size();
        for (int qi = 0; qi < nq; qi++) {
            QueryMatrix q = QueryMatrix.of(queries.vectors(qi), snap.dim());
            SearchScratch s = SearchScratch.get(rows, snap.numCentroids(), q.nqPad(),
                    ExactScorer.tableFloats(snap, q.nqPad()));
            float[] scores = s.centroidScores;
            kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroidBlocks(kernels), scores);
            int n = Math.min(p.ncells(), snap.numCentroids());
            s.ensureProbe((long) q.nq() * n);
            kernels.topCells(scores, q.nqPad(), q.nq(), snap.numCentroids(), n, s.probeScores, s.probeCells);
            int nc = 0;
            int[] block = new int[4096];
            for (int t = 0; t < q.nq(); t++) {
                for (int e = t * n; e < t * n + n; e++) {
                    if (s.probeScores[e] == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    int c = s.probeCells[e];
                    for (int i = 0; i < snap.numSlices(); i++) {
                        ShardSlice sl = snap.slice(i);
                        ShardSegment seg = sl.segment();
                        int shift = sl.base() - sl.from();
                        long at = seg.ivfStart(c);
                        long end = seg.ivfStart(c + 1);
                        while (at < end) {
                            int len = (int) Math.min(end - at, block.length);
                            seg.ivfRows(at, block, len);
                            at += len;
                            for (int j = 0; j < len; j++) {
                                int local = block[j];
                                if (local < sl.from() || local >= sl.to() || !sl.isLive(local)) {
                                    continue;
                                }
                                int row = local + shift;
                                if (stamp[row] < 0) {
                                    cand[nc++] = row;
                                    stamp[row] = -2;
                                }
                                mult[row]++;
                                if (stamp[row] != t) {
                                    // cells are best first per token: the first hit carries the token's best score
                                    stamp[row] = t;
                                    hits[row]++;
                                    wsum[row] += s.probeScores[e];
                                }
                            }
                        }
                    }
                }
            }
            meanCands += nc;
            for (int v = 0; v < names.length; v++) {
                for (int ni = 0; ni < ns.length; ni++) {
                    int cap = ns[ni] <= 0 ? nc : Math.min(ns[ni], nc);
                    TopK top = new TopK(Math.max(1, cap));
                    for (int j = 0; j < nc; j++) {
                        int r = cand[j];
                        float sc = switch (v) {
                            case 0 -> hits[r];
                            case 1 -> mult[r];
                            case 2 -> wsum[r];
                            default -> hits[r] * 1024f + wsum[r];
                        };
                        top.offer(r, sc);
                    }
                    int count = top.copyRows(s.candidates);
                    Arrays.sort(s.candidates, 0, count);
                    for (int j = 0; j < count; j++) {
                        kept[v][ni] += queries.isExactTop10(qi, snap.docId(s.candidates[j])) ? 1 : 0;
                    }
                    count = CentroidRanker.rank(kernels, snap, scores, q.nqPad(), p.nexact(), count, true, s,
                            StageTimes.OFF);
                    ExactScorer exact = new ExactScorer(kernels, snap, q, scores, s.residualTable, s.max);
                    TopK best = new TopK(10);
                    exact.rank(s.candidates, count, best);
                    int[] out = new int[best.size()];
                    best.copyRows(out);
                    for (int r : out) {
                        recall[v][ni] += queries.isExactTop10(qi, snap.docId(r)) ? 1 : 0;
                    }
                }
            }
            for (int j = 0; j < nc; j++) {
                int r = cand[j];
                stamp[r] = -1;
                hits[r] = 0;
                mult[r] = 0;
                wsum[r] = 0;
            }
        }
        System.out.printf("%s: %d docs, %d centroids, ncells %d nexact %d, mean candidates %.0f, %d queries%n", args[0],
                snap.numDocs(), snap.numCentroids(), p.ncells(), p.nexact(), meanCands / nq, nq);
        for (int v = 0; v < names.length; v++) {
            for (int ni = 0; ni < ns.length; ni++) {
                System.out.printf("  %-10s N %6s  recall@10 %.4f  screen keeps %.4f of the exact top 10%n", names[v],
                        ns[ni] <= 0 ? "all" : Integer.toString(ns[ni]), recall[v][ni] / (10.0 * nq),
                        kept[v][ni] / (10.0 * nq));
            }
        }
        idx.close();
    }
}
