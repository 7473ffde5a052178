package orderflow.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as command lines write them ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 7d}). */
public final class Durations implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  public static Duration parse(String text) {
    Matcher form = FORM.matcher(text.trim());
    if (!form.matches()) {
      throw new IllegalArgumentException(
          "bad duration '" + LogSafe.escape(text) + "' (use e.g. 500ms, 5s, 2m, 1h, 7d)");
    }
    long amount = Long.parseLong(form.group(1));
    return switch (form.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The converter of options that must be above zero, such as a timeout. */
  public static final class Positive implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      Duration duration = new Durations().convert(text);
      if (duration.isZero()) {
        throw new TypeConversionException("duration must be positive, was '" + text + "'");
      }
      return duration;
    }
  }
}
