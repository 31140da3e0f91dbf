package io.tartan.query.text;

import io.tartan.format.bm25.TextIndexSchema;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The metadata filter language (README "Filters"), parsed by recursive descent into a Lucene query over the text
 * indexes' metadata fields (FORMAT.md section 11):
 *
 * <pre>
 * filter     := or
 * or         := and ( OR and )*
 * and        := unary ( AND unary )*
 * unary      := NOT unary | '(' or ')' | comparison
 * comparison := key ( '=' | '!=' ) value | key ( '<' | '<=' | '>' | '>=' ) number | key [NOT] IN '(' value (',' value)* ')'
 * value      := "string" | 'string' | number
 * key        := letter or '_' then letters, digits, '_', '.', '-'
 * </pre>
 * Keywords are case-insensitive. A string compares exactly with the stored value; a number compares numerically
 * with values that parse as numbers ({@code year = 2020} matches "2020" and "2020.0"). A document without the key
 * matches no comparison, so {@code NOT lang = "en"} includes documents without {@code lang}, {@code lang != "en"}
 * does too (it is the same filter).
 */
public final class MetadataFilter {
    /** Longest filter accepted, in characters: a bound on parse work per request. */
    public static final int MAX_LENGTH = 16_384;

    /** Numbers one IN list may hold: each is a clause, and Lucene allows 1024 clauses per query. */
    public static final int MAX_IN_NUMBERS = 1000;

    private final String src;
    private int at;

    private MetadataFilter(String src) {
        this.src = src;
    }

    /** Parses {@code filter}; throws {@link FilterSyntaxException} naming the position of the first error. */
    public static Query parse(String filter) {
        if (filter == null || filter.isBlank()) {
            throw new FilterSyntaxException(String.valueOf(filter), 0, "the filter is empty");
        }
        if (filter.length() > MAX_LENGTH) {
            throw new FilterSyntaxException(filter.substring(0, 40) + "…", MAX_LENGTH, "the filter is longer than "
                    + MAX_LENGTH + " characters");
        }
        MetadataFilter p = new MetadataFilter(filter);
        Query q = p.or();
        p.skipSpace();
        if (p.at < filter.length()) {
            throw p.error("unexpected '" + filter.charAt(p.at) + "'; expected AND, OR or the end");
        }
        return q;
    }

    private Query or() {
        List<Query> parts = new ArrayList<>();
        parts.add(and());
        while (keyword("OR")) {
            parts.add(and());
        }
        return combine(parts, BooleanClause.Occur.SHOULD);
    }

    private Query and() {
        List<Query> parts = new ArrayList<>();
        parts.add(unary());
        while (keyword("AND")) {
            parts.add(unary());
        }
        return combine(parts, BooleanClause.Occur.FILTER);
    }

    private static Query combine(List<Query> parts, BooleanClause.Occur occur) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        parts.forEach(q -> b.add(q, occur));
        return b.build();
    }

    private Query unary() {
        if (keyword("NOT")) {
            return not(unary());
        }
        skipSpace();
        if (peek('(')) {
            at++;
            Query q = or();
            expect(')');
            return q;
        }
        return comparison();
    }

    private Query comparison() {
        skipSpace();
        int keyAt = at;
        String key = key();
        if (keyword("NOT")) {
            if (!keyword("IN")) {
                throw error("expected IN after NOT");
            }
            return not(in(key));
        }
        if (keyword("IN")) {
            return in(key);
        }
        skipSpace();
        int opAt = at;
        String op = operator();
        Object v = value();
        switch (op) {
            case "=":
                return equal(key, v);
            case "!=":
                return not(equal(key, v));
            default:
                if (!(v instanceof Double d)) {
                    at = opAt;
                    throw error("'" + op + "' compares numbers; '" + key + "' " + op + " needs a number, not a string");
                }
                String field = TextIndexSchema.numberField(key);
                return switch (op) {
                    case "<" -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(d));
                    case "<=" -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, d);
                    case ">" -> DoublePoint.newRangeQuery(field, Math.nextUp(d), Double.POSITIVE_INFINITY);
                    case ">=" -> DoublePoint.newRangeQuery(field, d, Double.POSITIVE_INFINITY);
                    default -> throw new IllegalStateException("operator " + op + " at " + keyAt);
                };
        }
    }

    private Query in(String key) {
        skipSpace();
        expect('(');
        List<Object> values = new ArrayList<>();
        values.add(value());
        skipSpace();
        while (peek(',')) {
            at++;
            values.add(value());
            skipSpace();
        }
        expect(')');
        List<BytesRef> strings = new ArrayList<>();
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        for (Object v : values) {
            if (v instanceof String s) {
                strings.add(new BytesRef(s));
            } else {
                b.add(equal(key, v), BooleanClause.Occur.SHOULD);
                clauses++;
            }
        }
        if (!strings.isEmpty()) {
            b.add(new TermInSetQuery(TextIndexSchema.keywordField(key), strings), BooleanClause.Occur.SHOULD);
            clauses++;
        }
        if (clauses > MAX_IN_NUMBERS) {
            throw error("IN lists more than " + MAX_IN_NUMBERS + " numbers");
        }
        return b.build();
    }

    private static Query equal(String key, Object v) {
        if (v instanceof Double d) {
            return DoublePoint.newExactQuery(TextIndexSchema.numberField(key), d);
        }
        return new TermQuery(new Term(TextIndexSchema.keywordField(key), (String) v));
    }

    private static Query not(Query q) {
        return new BooleanQuery.Builder().add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER)
                .add(q, BooleanClause.Occur.MUST_NOT).build();
    }

    private String key() {
        skipSpace();
        int start = at;
        if (at >= src.length() || !(Character.isLetter(src.charAt(at)) || src.charAt(at) == '_')) {
            throw error(at >= src.length() ? "expected a metadata key, found the end" : "expected a metadata key, found '"
                    + src.charAt(at) + "'");
        }
        while (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)) || "_.-".indexOf(src.charAt(at)) >= 0)) {
            at++;
        }
        String k = src.substring(start, at);
        if (isKeyword(k)) {
            at = start;
            throw error("expected a metadata key, found the keyword " + k.toUpperCase(Locale.ROOT));
        }
        return k;
    }

    private String operator() {
        for (String op : new String[] {"!=", "<=", ">=", "=", "<", ">"}) {
            if (src.startsWith(op, at)) {
                at += op.length();
                return op;
            }
        }
        throw error(at >= src.length() ? "expected an operator (=, !=, <, <=, >, >=, IN), found the end"
                : "expected an operator (=, !=, <, <=, >, >=, IN), found '" + src.charAt(at) + "'");
    }

    private Object value() {
        skipSpace();
        if (at >= src.length()) {
            throw error("expected a value, found the end");
        }
        char c = src.charAt(at);
        if (c == '"' || c == '\'') {
            int start = at;
            StringBuilder sb = new StringBuilder();
            at++;
            while (at < src.length() && src.charAt(at) != c) {
                if (src.charAt(at) == '\\' && at + 1 < src.length()) {
                    at++;
                }
                sb.append(src.charAt(at++));
            }
            if (at >= src.length()) {
                at = start;
                throw error("unterminated string");
            }
            at++;
            return sb.toString();
        }
        int start = at;
        while (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)) || "+-.".indexOf(src.charAt(at)) >= 0)) {
            at++;
        }
        String word = src.substring(start, at);
        Double d = TextIndexSchema.number(word);
        if (d == null) {
            at = start;
            throw error(word.isEmpty() ? "expected a value, found '" + c + "'"
                    : "expected a number or a quoted string, found '" + word + "'");
        }
        return d;
    }

    private boolean keyword(String kw) {
        skipSpace();
        int end = at + kw.length();
        if (src.regionMatches(true, at, kw, 0, kw.length())
                && (end == src.length() || !(Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_'))) {
            at = end;
            return true;
        }
        return false;
    }

    private static boolean isKeyword(String w) {
        String u = w.toUpperCase(Locale.ROOT);
        return u.equals("AND") || u.equals("OR") || u.equals("NOT") || u.equals("IN");
    }

    private void expect(char c) {
        skipSpace();
        if (!peek(c)) {
            throw error(at >= src.length() ? "expected '" + c + "', found the end"
                    : "expected '" + c + "', found '" + src.charAt(at) + "'");
        }
        at++;
    }

    private boolean peek(char c) {
        return at < src.length() && src.charAt(at) == c;
    }

    private void skipSpace() {
        while (at < src.length() && Character.isWhitespace(src.charAt(at))) {
            at++;
        }
    }

    private FilterSyntaxException error(String what) {
        return new FilterSyntaxException(src, at, what);
    }
}
