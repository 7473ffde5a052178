package orderflow.producer;

import java.time.Duration;
import orderflow.config.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations such as {@code 500ms}, {@code 10s}, {@code 2m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration duration = Durations.parse(value.trim());
      if (duration.isNegative() || duration.isZero()) {
        throw new TypeConversionException("duration must be positive, was '" + value + "'");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
