package orderflow.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The broker options every command shares, with their environment fallbacks (picocli mixin). */
public final class BrokerOptions {
  private static final long MAX_FILE_BYTES = 64 * 1024;

  // No default: uri(...) decides between flags, environment and default.
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

  public BrokerSettings settings() {
    return settings(System::getenv);
  }

  public BrokerSettings settings(Function<String, String> env) {
    return BrokerSettings.of(uri(uri, uriFile, env), namespace)
        .withTlsCa(given(tlsCa) ? tlsCa : env.apply(BrokerSettings.TLS_CA_ENV))
        .withVerbose(verbose);
  }

  public boolean verbose() {
    return verbose;
  }

  /** A flag beats the environment; two sources at one level are an error, not a silent choice. */
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

  /** The file's one line; its content is never quoted. */
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
