package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --since}: an age ({@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}) or a moment (ISO-8601,
 * {@code 2026-11-28T10:00:00Z}).
 */
final class Since {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private Since() {
    }

    static Instant parse(String value, Instant now) throws UsageException {
        Matcher age = AGE.matcher(value.strip());
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration duration = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(duration);
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new UsageException("--since must be an age such as 30m, 2h or 7d, or a time such as "
                    + "2026-11-28T10:00:00Z; was '" + value + "'");
        }
    }

    /** How long from one ISO-8601 time to another (or to now), as {@code 4m12s}; {@code null} without a start. */
    static String duration(String from, String to, Instant now) {
        if (from == null) {
            return null;
        }
        Duration took = Duration.between(Instant.parse(from), to == null ? now : Instant.parse(to));
        long seconds = Math.max(0, took.toSeconds());
        if (seconds < 10) {
            return String.format(java.util.Locale.ROOT, "%.1fs", Math.max(0, took.toMillis()) / 1000.0);
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        return seconds / 3600 + "h" + String.format("%02dm", seconds % 3600 / 60);
    }
}
