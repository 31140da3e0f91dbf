package io.tartan.query.server;

/** A request asked for more than a {@link RequestLimits} allows; the message names the limit and its setting. */
public final class LimitExceededException extends IllegalArgumentException {
    private final String limit;

    /**
     * @param limit   the setting's name ({@code max_k}); its flag is {@code --max-k}
     * @param what    what the request asked for ({@code "k = 5000"})
     * @param allowed the limit's value
     */
    LimitExceededException(String limit, String what, long allowed) {
        super(what + " is over the server's limit of " + allowed + " (setting " + limit + ", tartan serve --"
                + limit.replace('_', '-') + ")");
        this.limit = limit;
    }

    public String limit() {
        return limit;
    }
}
