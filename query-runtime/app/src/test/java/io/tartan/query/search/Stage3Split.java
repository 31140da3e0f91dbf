package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.bench.SynthQueries;
import io.tartan.query.segment.ShardSegment;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where FAST stage 3's time goes: the real candidate lists and int8 tables of the synthetic queries (stage 1 as the
 * served FAST defaults run it), then stage 3 over them in variants that leave out one part each, by thread CPU time,
 * variants interleaved query by query in a rotating order with a cache-clearing sweep before each (the served
 * stage 3 follows stages 1 and 2, which evict the segment's cells; the table is then touched, as building it does). Prints each variant's median over rounds of the
 * mean time a query. Usage: {@code Stage3Split <index> <synth> [rounds, default 30] [VARIANT,VARIANT…, default all]}.
 * Checks first that the served {@link CentroidRanker#scoreInt8} keeps the same top as the
 * copying loop.
 */
public final class Stage3Split {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static long sink;

    private enum Variant {
        COPY_KERNEL_TOPK("copy + kernel + top (main's loop)"),
        SERVED_TOPK("served scoreInt8 (blocks of CELL_BLOCK copied) + top"),
        FLAT16_TOPK("blocks of 16 copied to one array, offsets read per row, + top"),
        FLAT32_TOPK("blocks of 32 copied to one array, offsets read per row, + top"),
        COPY8_TOPK("blocks of 8: copy all, then kernel + top"),
        COPY16_TOPK("blocks of 16: copy all, then kernel + top"),
        COPY32_TOPK("blocks of 32: copy all, then kernel + top"),
        COPY64_TOPK("blocks of 64: copy all, then kernel + top"),
        COPY_KERNEL("copy + kernel, no top"),
        SERVED("served scoreInt8, no top (into out)"),
        COPY("locate + offsets + copy, no kernel"),
        OFFSETS("locate + offsets only"),
        PRECOPIED_KERNEL("kernel over codes pre-copied to one int[]"),
        PRECOPIED_KERNEL_TOPK("kernel over pre-copied codes + top");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults());
        IndexSnapshot snap = idx.snapshot();
        SynthQueries queries = SynthQueries.read(Path.of(args[1]));
        LateInteractionKernels kernels = new Searcher().kernels();
        SearchParams.Resolved p = SearchParams.defaults().resolve(10, snap.numCentroids());
        int nq = queries.size();
        int[][] cands = new int[nq][];
        byte[][] tables = new byte[nq][];
        int[][] flat = new int[nq][];
        int[][] flatEnd = new int[nq][];
        long totalCands = 0;
        for (int qi = 0; qi < nq; qi++) {
            QueryMatrix q = QueryMatrix.of(queries.vectors(qi), snap.dim());
            SearchScratch s = SearchScratch.get(snap.numRows(), snap.numCentroids(), q.nqPad(),
                    ExactScorer.tableFloats(snap, q.nqPad()));
            kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroidBlocks(kernels), s.centroidScores);
            int count = CellProbe.candidates(kernels, snap, s.centroidScores, q.nq(), q.nqPad(), p.ncells(), s,
                    StageTimes.OFF);
            cands[qi] = Arrays.copyOf(s.candidates, count);
            tables[qi] = new byte[snap.numCentroids() * 32];
            kernels.packScoresInt8x32(s.centroidScores, snap.numCentroids(), tables[qi]);
            totalCands += count;
            RowLocator loc = new RowLocator(snap);
            int[] cells = new int[snap.maxDoclen()];
            int[] ends = new int[count];
            int[] all = new int[count * 8];
            int used = 0;
            for (int j = 0; j < count; j++) {
                int m = loc.at(cands[qi][j]).cells(loc.local(cands[qi][j]), cells);
                if (used + m > all.length) {
                    all = Arrays.copyOf(all, Math.max(2 * all.length, used + m));
                }
                System.arraycopy(cells, 0, all, used, m);
                used += m;
                ends[j] = used;
            }
            flat[qi] = all;
            flatEnd[qi] = ends;
        }
        SearchScratch s = SearchScratch.get(snap.numRows(), snap.numCentroids(), 32, ExactScorer.tableFloats(snap, 32));
        int n = p.nexact();
        checkSameTop(kernels, snap, s, cands, tables, n);
        long[] sweep = new long[8 << 20 >> 3];
        Variant[] vs = args.length > 3
                ? Arrays.stream(args[3].split(",")).map(Variant::valueOf).toArray(Variant[]::new) : Variant.values();
        double[][] perRound = new double[Variant.values().length][rounds];
        float[] out = new float[snap.numRows()];
        for (int r = -2; r < rounds; r++) {
            long[] ns = new long[Variant.values().length];
            for (int qi = 0; qi < nq; qi++) {
                s.int8Scores = tables[qi];
                for (int k = 0; k < vs.length; k++) {
                    Variant v = vs[(k + qi + Math.max(r, 0)) % vs.length];
                    for (int i = 0; i < sweep.length; i += 8) {
                        sweep[i]++;
                    }
                    // the served stage 3 starts right after building the table, which is then in L2
                    for (int i = 0; i < tables[qi].length; i += 64) {
                        sweep[0] += tables[qi][i];
                    }
                    long t0 = CPU.getCurrentThreadCpuTime();
                    run(v, kernels, snap, s, cands[qi], flat[qi], flatEnd[qi], n, out);
                    ns[v.ordinal()] += CPU.getCurrentThreadCpuTime() - t0;
                }
            }
            if (r >= 0) {
                for (Variant v : vs) {
                    perRound[v.ordinal()][r] = ns[v.ordinal()] / 1e6 / nq;
                }
            }
        }
        System.out.printf("Stage3Split %s: %d queries, mean candidates %.0f, nexact %d, kernels %s, %d rounds, load %s%n",
                args[0], nq, (double) totalCands / nq, n, kernels.name(), rounds,
                Files.readString(Path.of("/proc/loadavg")).trim());
        for (Variant v : vs) {
            double[] x = perRound[v.ordinal()].clone();
            Arrays.sort(x);
            System.out.printf("  %-48s median %.3f ms a query (rounds %.3f … %.3f)%n", v.label, x[x.length / 2], x[0],
                    x[x.length - 1]);
        }
        System.out.println("sink " + (sink & 1) + " " + sweep[0]);
        idx.close();
    }

    private static void run(Variant v, LateInteractionKernels kernels, IndexSnapshot snap, SearchScratch s, int[] rows,
            int[] flat, int[] flatEnd, int n, float[] out) {
        int count = rows.length;
        switch (v) {
            case SERVED_TOPK:
                CentroidRanker.scoreInt8(kernels, snap, s, rows, count, s.topK.reset(n), null);
                sink += s.topK.size();
                return;
            case SERVED:
                CentroidRanker.scoreInt8(kernels, snap, s, rows, count, null, out);
                sink += Float.floatToRawIntBits(out[count - 1]);
                return;
            case FLAT16_TOPK:
            case FLAT32_TOPK:
                sink += flatBlocks(kernels, snap, s, rows, s.topK.reset(n), v == Variant.FLAT16_TOPK ? 16 : 32);
                return;
            case COPY8_TOPK:
            case COPY16_TOPK:
            case COPY32_TOPK:
            case COPY64_TOPK:
                sink += copiedBlocks(kernels, snap, s, rows, s.topK.reset(n), v == Variant.COPY8_TOPK ? 8
                        : v == Variant.COPY16_TOPK ? 16 : v == Variant.COPY32_TOPK ? 32 : 64);
                return;
            case PRECOPIED_KERNEL:
            case PRECOPIED_KERNEL_TOPK: {
                TopK top = v == Variant.PRECOPIED_KERNEL_TOPK ? s.topK.reset(n) : null;
                int from = 0;
                for (int j = 0; j < count; j++) {
                    int score = kernels.int8CentroidMaxSim32(s.int8Scores, flat, from, flatEnd[j]);
                    from = flatEnd[j];
                    if (top != null) {
                        top.offer(rows[j], score);
                    } else {
                        sink += score;
                    }
                }
                return;
            }
            default:
                break;
        }
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        TopK top = v == Variant.COPY_KERNEL_TOPK ? s.topK.reset(n) : null;
        long acc = 0;
        for (int j = 0; j < count; j++) {
            int row = rows[j];
            ShardSegment seg = loc.at(row);
            int local = loc.local(row);
            if (v == Variant.OFFSETS) {
                acc += seg.cellStart(local + 1) - seg.cellStart(local);
                continue;
            }
            int m = seg.cells(local, cells);
            if (v == Variant.COPY) {
                acc += m + cells[m - 1];
                continue;
            }
            int score = kernels.int8CentroidMaxSim32(s.int8Scores, cells, 0, m);
            if (top != null) {
                top.offer(row, score);
            } else {
                acc += score;
            }
        }
        sink += acc;
    }

    /** The served loop without reading a row's cell start from the previous row's end. */
    private static long flatBlocks(LateInteractionKernels kernels, IndexSnapshot snap, SearchScratch s, int[] rows,
            TopK top, int block) {
        int count = rows.length;
        int[] buf = new int[block * snap.maxDoclen()];
        int[] ends = new int[block];
        RowLocator loc = new RowLocator(snap);
        for (int j0 = 0; j0 < count; j0 += block) {
            int b = Math.min(block, count - j0);
            int used = 0;
            for (int i = 0; i < b; i++) {
                int row = rows[j0 + i];
                ShardSegment seg = loc.at(row);
                int local = loc.local(row);
                long c0 = seg.cellStart(local);
                int m = (int) (seg.cellStart(local + 1) - c0);
                seg.cells(c0, m, buf, used);
                used += m;
                ends[i] = used;
            }
            int from = 0;
            for (int i = 0; i < b; i++) {
                top.offer(rows[j0 + i], kernels.int8CentroidMaxSim32(s.int8Scores, buf, from, ends[i]));
                from = ends[i];
            }
        }
        return 0;
    }

    /** Blocks of {@code block} candidates: all their cells copied to arrays, then scored. */
    private static long copiedBlocks(LateInteractionKernels kernels, IndexSnapshot snap, SearchScratch s, int[] rows,
            TopK top, int block) {
        int count = rows.length;
        int[][] bufs = new int[block][snap.maxDoclen()];
        int[] lens = new int[block];
        RowLocator loc = new RowLocator(snap);
        for (int j0 = 0; j0 < count; j0 += block) {
            int b = Math.min(block, count - j0);
            for (int i = 0; i < b; i++) {
                int row = rows[j0 + i];
                lens[i] = loc.at(row).cells(loc.local(row), bufs[i]);
            }
            for (int i = 0; i < b; i++) {
                top.offer(rows[j0 + i], kernels.int8CentroidMaxSim32(s.int8Scores, bufs[i], 0, lens[i]));
            }
        }
        return 0;
    }

    /** The served loop must keep exactly the rows and scores main's copying loop kept. */
    private static void checkSameTop(LateInteractionKernels kernels, IndexSnapshot snap, SearchScratch s, int[][] cands,
            byte[][] tables, int n) {
        int[] cells = new int[snap.maxDoclen()];
        for (int qi = 0; qi < cands.length; qi++) {
            s.int8Scores = tables[qi];
            TopK ref = new TopK(n);
            RowLocator loc = new RowLocator(snap);
            for (int row : cands[qi]) {
                int m = loc.at(row).cells(loc.local(row), cells);
                ref.offer(row, kernels.int8CentroidMaxSim32(s.int8Scores, cells, 0, m));
            }
            TopK got = new TopK(n);
            CentroidRanker.scoreInt8(kernels, snap, s, cands[qi], cands[qi].length, got, null);
            float[] a = new float[n];
            float[] b = new float[n];
            if (!Arrays.equals(ref.sortedRows(a), got.sortedRows(b)) || !Arrays.equals(a, b)) {
                throw new AssertionError("query " + qi + ": the served stage 3 keeps a different top " + n);
            }
        }
    }
}
