package orderflow.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import orderflow.config.BrokerOptions;
import orderflow.config.BrokerSettings;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import orderflow.observe.ApiRoutes;
import orderflow.orderservice.OrderService;
import orderflow.orderservice.OwnEvents;
import orderflow.orderservice.auth.TokenVerifier;
import orderflow.store.Dialect;
import orderflow.topology.Topology;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code producer serve}: the order service. Consumes every order event into the order event store
 * and read model through the shared consumer runtime, and with {@code --http-port} also answers the
 * order API beside the health and metrics endpoints. The API needs either the three {@code
 * --auth-*} settings or the explicit {@code --auth none}.
 */
@Command(
    name = "serve",
    description = {
      "Run the order service until SIGTERM: every order event into the order event store and its",
      "read model; with --http-port also the order API (docs/openapi.yaml), which needs",
      "--auth-jwks, --auth-issuer and --auth-audience (or --auth none)."
    })
final class ServeCommand implements Callable<Integer> {
  @Mixin private BrokerOptions broker;
  @Mixin private RunOptions run;
  @Mixin private DatabaseOptions database;
  @Spec private CommandSpec spec;

  @ArgGroup(exclusive = true)
  private Auth auth;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      description = "Serve /health/* and /metrics on this port; --http-port then only the API.")
  private Integer managementPort;

  @ArgGroup(exclusive = false)
  private Tls tls = new Tls();

  static final class Auth {
    @ArgGroup(exclusive = false)
    private Issuer issuer;

    @Option(
        names = "--auth",
        description = "none: no authentication, every caller an admin (development only).")
    private None none;
  }

  enum None {
    none
  }

  static final class Issuer {
    @Option(
        names = "--auth-jwks",
        required = true,
        paramLabel = "FILE|URL",
        description = "The JWKS verifying tokens: a file or an https URL.")
    private String jwks;

    @Option(
        names = "--auth-issuer",
        required = true,
        paramLabel = "ISS",
        description = "The tokens' required iss.")
    private String issuer;

    @Option(
        names = "--auth-audience",
        required = true,
        paramLabel = "AUD",
        description = "The tokens' required aud.")
    private String audience;
  }

  static final class Tls {
    @Option(
        names = "--tls-cert",
        required = true,
        paramLabel = "FILE",
        description = "PEM certificate chain: HTTPS.")
    private Path cert;

    @Option(
        names = "--tls-key",
        required = true,
        paramLabel = "FILE",
        description = "PEM PKCS#8 key of --tls-cert.")
    private Path key;
  }

  @Override
  public Integer call() throws Exception {
    BrokerSettings brokerSettings;
    ConsumerSettings settings;
    String url = database.url(OrderService.NAME);
    Dialect dialect;
    try {
      brokerSettings = broker.settings();
      settings = run.settings();
      dialect = Dialect.of(url);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    TokenVerifier verifier = settings.httpPort() == null ? TokenVerifier.none() : verifier();
    ApiRoutes.Listen listen = new ApiRoutes.Listen(managementPort, tls.cert, tls.key);
    Topology topology = new Topology(brokerSettings.namespace(), settings.tiers());
    Clock clock = Clock.systemUTC();
    OwnEvents ownEvents = new OwnEvents();
    return ServiceMain.run(
        brokerSettings,
        settings,
        url,
        OrderService.definition(dialect, clock, ownEvents),
        (db, publisher) ->
            OrderService.api(
                    db, topology.ordersExchange(), clock, ownEvents, publisher::submit, verifier)
                .listen(listen));
  }

  /** The token verifier the flags ask for; refuses to guess when they ask for none. */
  private TokenVerifier verifier() {
    if (auth == null) {
      throw new ParameterException(
          spec.commandLine(),
          "the order API needs --auth-jwks FILE|https-URL, --auth-issuer ISS and --auth-audience"
              + " AUD, or --auth none to run it without authentication (development only)");
    }
    if (auth.none != null) {
      LoggerFactory.getLogger(ServeCommand.class)
          .warn("--auth none: the order API is open to anyone, as an admin; for development only");
      return TokenVerifier.none();
    }
    try {
      return TokenVerifier.of(auth.issuer.jwks, auth.issuer.issuer, auth.issuer.audience);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
