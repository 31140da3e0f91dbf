package io.tartan.query.bench;

import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The top 10 (doc id and score, rank by rank) of every synthetic query with one mode's defaults, one line a hit, so two
 * builds' results can be diffed; the score also as its float bits, so equal files mean bit-identical scores:
 * {@code TopTenDump <index> <synth> <out.tsv> [fast|plaid]}.
 */
public final class TopTenDump {
    public static void main(String[] args) throws Exception {
        SearchParams.Mode mode = args.length > 3 ? SearchParams.Mode.valueOf(args[3].toUpperCase()) : SearchParams.Mode.FAST;
        SearchParams sp = mode == SearchParams.Mode.PLAID ? SearchParams.plaid() : SearchParams.defaults();
        try (TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults());
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
            SynthQueries queries = SynthQueries.read(Path.of(args[1]));
            for (int qi = 0; qi < queries.size(); qi++) {
                SearchResult r = idx.search(queries.vectors(qi), 10, sp);
                int rank = 0;
                for (SearchHit h : r.hits()) {
                    out.printf("%d\t%d\t%s\t%.7g\t%08x%n", qi, ++rank, h.docId(), h.score(), Float.floatToRawIntBits(h.score()));
                }
            }
        }
    }
}
