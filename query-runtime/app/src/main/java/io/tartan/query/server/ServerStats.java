package io.tartan.query.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.atomic.LongAdder;

/** Request counters of one server, by outcome, for {@code GET /stats}. */
final class ServerStats {
    private final LongAdder received = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder rejectedBusy = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder unauthorized = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder searches = new LongAdder();
    private final LongAdder searchNanos = new LongAdder();

    void received() {
        received.increment();
    }

    /** Counts a response by its status. */
    void answered(int status) {
        if (status < 400) {
            ok.increment();
        } else if (status == 401) {
            unauthorized.increment();
        } else if (status == 408) {
            timedOut.increment();
        } else if (status == 503) {
            rejectedBusy.increment();
        } else if (status < 500) {
            clientErrors.increment();
        } else {
            serverErrors.increment();
        }
    }

    void searched(long nanos) {
        searches.increment();
        searchNanos.add(nanos);
    }

    void write(ObjectNode r) {
        r.put("received", received.sum());
        r.put("ok", ok.sum());
        r.put("client_errors", clientErrors.sum());
        r.put("unauthorized", unauthorized.sum());
        r.put("timed_out", timedOut.sum());
        r.put("rejected_busy", rejectedBusy.sum());
        r.put("server_errors", serverErrors.sum());
        long n = searches.sum();
        r.put("mean_search_ms", n == 0 ? 0 : Math.round(searchNanos.sum() / 1e3 / n) / 1e3);
    }
}
