package io.tartan.jobs.maintenance;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An age on the command line, as operators write it in cron configs: {@code 7d}, {@code 12h}, {@code 30m},
 * {@code 45s}, {@code 500ms}, or {@code 0}.
 */
public final class Age implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        Matcher m = AGE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not an age: use a number with a unit, e.g. 7d, 12h, 30m, 45s, 500ms");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit == null) {
            if (n != 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' needs a unit (d, h, m, s, ms)");
            }
            return Duration.ZERO;
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> throw new IllegalStateException(unit);
        };
    }
}
