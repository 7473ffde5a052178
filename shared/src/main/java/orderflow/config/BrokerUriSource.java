package orderflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Picks the broker URI among {@code --uri}, {@code --uri-file}, {@code RABBITMQ_URI} and {@code
 * RABBITMQ_URI_FILE}: a flag beats the environment, and two sources at one level are an error
 * rather than a silent choice. A file keeps the password out of {@code ps} and the environment.
 */
final class BrokerUriSource {
  /** A URI is a line; anything much longer is not the file that was meant. */
  static final long MAX_FILE_BYTES = 64 * 1024;

  private BrokerUriSource() {}

  /**
   * @param uriFlag {@code --uri}, or null when not given
   * @param fileFlag {@code --uri-file}, or null when not given
   * @throws IllegalArgumentException when both of one level are set, or the file cannot be used
   */
  static String resolve(String uriFlag, String fileFlag, Function<String, String> env) {
    if (given(uriFlag) && given(fileFlag)) {
      throw new IllegalArgumentException("give either --uri or --uri-file, not both");
    }
    if (given(fileFlag)) {
      return read(Path.of(fileFlag), "--uri-file");
    }
    if (given(uriFlag)) {
      return uriFlag;
    }
    String uriEnv = env.apply(BrokerSettings.URI_ENV);
    String fileEnv = env.apply(BrokerSettings.URI_FILE_ENV);
    if (given(uriEnv) && given(fileEnv)) {
      throw new IllegalArgumentException(
          "set either "
              + BrokerSettings.URI_ENV
              + " or "
              + BrokerSettings.URI_FILE_ENV
              + ", not both");
    }
    if (given(fileEnv)) {
      return read(Path.of(fileEnv), BrokerSettings.URI_FILE_ENV);
    }
    return given(uriEnv) ? uriEnv : BrokerSettings.DEFAULT_URI;
  }

  private static boolean given(String value) {
    return value != null && !value.isBlank();
  }

  /** The file's text without its trailing newline (or any trailing whitespace). */
  private static String read(Path file, String source) {
    String uri;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            source + " " + file + " is over " + MAX_FILE_BYTES + " bytes: not a URI file");
      }
      uri = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      // The exception's class says enough (NoSuchFileException, AccessDeniedException...).
      throw new IllegalArgumentException(
          "cannot read " + source + " " + file + ": " + e.getClass().getSimpleName());
    }
    if (uri.isEmpty()) {
      throw new IllegalArgumentException(source + " " + file + " is empty");
    }
    if (uri.contains("\n")) {
      throw new IllegalArgumentException(source + " " + file + " must hold one line, the URI");
    }
    return uri;
  }
}
