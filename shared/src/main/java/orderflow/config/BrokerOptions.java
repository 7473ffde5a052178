package orderflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The broker options every command shares, with their environment fallbacks. Use as a picocli
 * {@code @Mixin}. Not thread-safe: picocli fills it, then one command reads it.
 */
public final class BrokerOptions {
  /** A URI file holds one line; anything much longer is not the file that was meant. */
  static final long MAX_FILE_BYTES = 64 * 1024;

  // No default: uri(...) decides between the flags, the environment and the default.
  @Option(
      names = "--uri",
      paramLabel = "URI",
      description =
          "Broker URI, amqp:// or amqps:// for TLS (env RABBITMQ_URI,"
              + " default amqp://guest:****@localhost:5672/%%2F); the nodes of a cluster as URIs"
              + " separated by commas, differing only in host and port. A password here is"
              + " visible in `ps`: prefer --uri-file")
  private String uri;

  @Option(
      names = "--uri-file",
      paramLabel = "FILE",
      description =
          "File holding the broker URI (or comma-separated URIs) on one line (env"
              + " RABBITMQ_URI_FILE)")
  private Path uriFile;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Prefix of every exchange and queue name (env ORDERS_NAMESPACE)",
      defaultValue = "${env:ORDERS_NAMESPACE:-}")
  private String namespace;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM file of the CA certificates an amqps:// broker is verified against (env"
              + " RABBITMQ_TLS_CA; default: the JVM trust store)",
      defaultValue = "${env:RABBITMQ_TLS_CA:-}")
  private String tlsCa;

  @Option(
      names = "--verbose",
      description = "Print stack traces with errors, and with lost connections in the log")
  private boolean verbose;

  /**
   * @throws IllegalArgumentException with a clear message, never quoting a password, when the URI,
   *     its file or the namespace is bad
   */
  public BrokerSettings settings() {
    return settings(System::getenv);
  }

  /** {@link #settings()} with the environment given, for tests. */
  public BrokerSettings settings(Function<String, String> env) {
    return BrokerSettings.of(uri(uri, uriFile, env), namespace)
        .withTlsCa(given(tlsCa) ? tlsCa : env.apply(BrokerSettings.TLS_CA_ENV))
        .withVerbose(verbose);
  }

  public boolean verbose() {
    return verbose;
  }

  /**
   * The URI among {@code --uri}, {@code --uri-file}, {@code RABBITMQ_URI} and {@code
   * RABBITMQ_URI_FILE}: a flag beats the environment; two sources at one level are an error rather
   * than a silent choice. A file keeps the password out of {@code ps} and the environment.
   */
  static String uri(String uriFlag, Path fileFlag, Function<String, String> env) {
    if (given(uriFlag) && fileFlag != null) {
      throw new IllegalArgumentException("give either --uri or --uri-file, not both");
    }
    if (fileFlag != null || given(uriFlag)) {
      return fileFlag != null ? read(fileFlag, "--uri-file") : uriFlag;
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

  /** The file's one line, without trailing whitespace; the file's content is never quoted. */
  private static String read(Path file, String source) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            source + " " + file + " is over " + MAX_FILE_BYTES + " bytes: not a URI file");
      }
      text = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + source + " " + file + ": " + e.getClass().getSimpleName());
    }
    if (text.isEmpty() || text.contains("\n")) {
      throw new IllegalArgumentException(source + " " + file + " must hold one line, the URI");
    }
    return text;
  }
}
