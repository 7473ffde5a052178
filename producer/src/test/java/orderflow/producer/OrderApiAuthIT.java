package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import orderflow.consume.engine.ConsumerSettings;
import orderflow.consume.process.ServiceMain;
import orderflow.envelope.EventCodec;
import orderflow.orderservice.auth.TokenVerifier;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.Tee;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import orderflow.testing.TestSettings;
import orderflow.testing.TlsFiles;
import orderflow.topology.RetryTiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order API with authentication on, against a real {@code serve} wiring (broker, SQLite) and a
 * JWKS the test serves over HTTPS: real tokens signed by keys made here, no mocked verifier.
 */
@ExtendWith(RabbitMqExtension.class)
class OrderApiAuthIT {
  private static final RetryTiers TIERS = RetryTiers.parse("100ms");
  private static final String ISSUER = "https://issuer.test";
  private static final String AUDIENCE = "orders-api";
  private static final String STREET = "Canary Lane 17";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  private SSLSocketFactory defaultSsl;
  private PrintStream err;
  private String base;

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (defaultSsl != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(defaultSsl);
    }
    if (err != null) {
      System.setErr(err);
    }
  }

  @Test
  void tokensAreCheckedCustomersSeeOnlyTheirOwnAndNothingSecretIsLogged(TestBroker broker)
      throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    published.add(rsa.toPublicJWK());
    published.add(ec.toPublicJWK());
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    err = System.err;
    System.setErr(new PrintStream(new Tee(err, logs), true));
    start(broker, jwksOverHttps());

    // Authentication.
    HttpResponse<String> none = send("GET", "/orders", null, null, null);
    assertEquals(401, none.statusCode(), none.body());
    assertEquals("Bearer realm=\"orders\"", header(none, "WWW-Authenticate"));
    assertTrue(none.body().contains("urn:orderflow:problem:unauthorized"), none.body());
    String alice = token(rsa, "alice", "orders:read orders:write", c -> {});
    HttpResponse<String> byRsa = send("GET", "/orders", alice, null, null);
    assertEquals(200, byRsa.statusCode(), header(byRsa, "WWW-Authenticate"));
    String aliceEc = token(ec, "alice", "orders:read", c -> {});
    HttpResponse<String> byEc = send("GET", "/orders", aliceEc, null, null);
    assertEquals(200, byEc.statusCode(), header(byEc, "WWW-Authenticate"));
    Instant now = Instant.now();
    refused("expired", token(rsa, "alice", "orders:read", c -> c.expirationTime(ago(now, 120))));
    refused(
        "not yet valid",
        token(rsa, "alice", "orders:read", c -> c.notBeforeTime(Date.from(now.plusSeconds(300)))));
    refused("wrong issuer", token(rsa, "alice", "orders:read", c -> c.issuer("https://evil")));
    refused("wrong audience", token(rsa, "alice", "orders:read", c -> c.audience("other")));
    refused(
        "unsupported algorithm", new PlainJWT(claims("alice", "orders:admin").build()).serialize());
    SignedJWT confused =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
            claims("alice", "orders:admin").build());
    confused.sign(new MACSigner(rsa.toRSAPublicKey().getEncoded()));
    refused("unsupported algorithm", confused.serialize());
    String[] parts = alice.split("\\.");
    String changed =
        Base64URL.encode(claims("alice", "orders:admin").build().toString()).toString();
    refused("bad signature", parts[0] + "." + changed + "." + parts[2]);
    refused("malformed", "not-a-token");
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    String rotatedToken = token(rotated, "alice", "orders:read", c -> {});
    refused("unknown key", rotatedToken);
    published.add(rotated.toPublicJWK());
    assertTrue(
        poll(() -> send("GET", "/orders", rotatedToken, null, null).statusCode() == 200),
        "the rotated key is taken without a restart");

    // Authorization.
    String bob = token(rsa, "bob", "orders:read orders:write", c -> {});
    String reader = token(rsa, "carol", "orders:read", c -> {});
    String admin = token(rsa, "ops", "orders:admin", c -> {});
    HttpResponse<String> placed = send("POST", "/orders", alice, order("alice", true), "k-1");
    assertEquals(201, placed.statusCode(), placed.body());
    String aliceOrder = json(placed).get("orderId").asText();
    HttpResponse<String> bobs = send("POST", "/orders", bob, order("bob", false), "k-1");
    assertEquals(201, bobs.statusCode(), bobs.body());
    String bobOrder = json(bobs).get("orderId").asText();
    assertNotEquals(aliceOrder, bobOrder, "an Idempotency-Key is the caller's own");
    HttpResponse<String> forBob = send("POST", "/orders", alice, order("bob", false), null);
    assertEquals(403, forBob.statusCode(), forBob.body());
    HttpResponse<String> readOnly = send("POST", "/orders", reader, order("carol", false), null);
    assertEquals(403, readOnly.statusCode(), readOnly.body());
    assertEquals(
        "Bearer realm=\"orders\", error=\"insufficient_scope\", scope=\"orders:write\"",
        header(readOnly, "WWW-Authenticate"));
    assertEquals(404, send("GET", "/orders/" + aliceOrder, bob, null, null).statusCode());
    HttpResponse<String> cancel =
        send("POST", "/orders/" + aliceOrder + "/cancel", bob, "{}", null);
    assertEquals(404, cancel.statusCode(), cancel.body());
    String bobList = send("GET", "/orders?customerId=alice", bob, null, null).body();
    assertFalse(bobList.contains(aliceOrder), bobList);
    assertTrue(bobList.contains(bobOrder), bobList);
    String all = send("GET", "/orders", admin, null, null).body();
    assertTrue(all.contains(aliceOrder) && all.contains(bobOrder), all);

    // Personal data: the owner sees the address until an admin erases it.
    JsonNode shown = json(send("GET", "/orders/" + aliceOrder, alice, null, null));
    assertEquals(STREET, shown.path("shippingAddress").path("street").asText(), shown.toString());
    String status = shown.get("status").asText();
    assertEquals(
        403, send("DELETE", "/customers/alice/personal-data", alice, null, null).statusCode());
    HttpResponse<String> erased =
        send("DELETE", "/customers/alice/personal-data", admin, null, null);
    assertEquals(200, erased.statusCode(), erased.body());
    assertEquals(
        200, send("DELETE", "/customers/alice/personal-data", admin, null, null).statusCode());
    JsonNode after = json(send("GET", "/orders/" + aliceOrder, alice, null, null));
    assertTrue(after.path("shippingAddress").path("erased").asBoolean(), after.toString());
    assertTrue(after.path("shippingAddress").path("street").isMissingNode(), after.toString());
    assertEquals(status, after.get("status").asText());

    // The record: one access line per request, and no secret in any log line.
    String logged;
    synchronized (logs) {
      logged = logs.toString(StandardCharsets.UTF_8);
    }
    assertTrue(logged.contains("\"event\":\"authn_token_expired\""), logged);
    assertTrue(logged.contains("\"event\":\"authz_fail\""), logged);
    assertTrue(logged.contains("\"route\":\"/orders/{id}\",\"status\":404"), logged);
    assertTrue(logged.contains("\"sub\":\"bob\""), logged);
    for (String secret : List.of(alice, parts[1], parts[2], "Authorization", STREET, "sku-1")) {
      assertFalse(logged.contains(secret), "logged: " + secret);
    }
    String metrics = send("GET", "/metrics", null, null, null).body();
    assertTrue(
        metrics.contains("orderflow_api_refusals_total{consumer=\"orders\",reason=\"authz_fail\"}"),
        metrics);
    assertTrue(
        metrics.contains(
            "orderflow_api_requests_total{consumer=\"orders\",method=\"GET\",route=\"/orders/{id}\",status=\"404\"}"),
        metrics);
  }

  private void refused(String description, String token) throws Exception {
    HttpResponse<String> answer = send("GET", "/orders", token, null, null);
    assertEquals(401, answer.statusCode(), description + ": " + answer.body());
    assertEquals(
        "Bearer realm=\"orders\", error=\"invalid_token\", error_description=\""
            + description
            + "\"",
        header(answer, "WWW-Authenticate"));
    assertFalse(answer.body().contains(token), answer.body());
  }

  private static JWTClaimsSet.Builder claims(String subject, String scope) {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .claim("scope", scope)
        .claim("client_id", "test-client")
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private static String token(
      JWK key, String subject, String scope, Consumer<JWTClaimsSet.Builder> change)
      throws Exception {
    JWTClaimsSet.Builder claims = claims(subject, scope);
    change.accept(claims);
    boolean rsa = key instanceof RSAKey;
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(),
            claims.build());
    jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
    return jwt.serialize();
  }

  private static Date ago(Instant now, long seconds) {
    return Date.from(now.minusSeconds(seconds));
  }

  private static String order(String customer, boolean address) {
    return "{\"customerId\":\""
        + customer
        + "\",\"items\":[{\"productId\":\"sku-1\",\"quantity\":1,\"price\":2.5}]"
        + (address
            ? ",\"shippingAddress\":{\"street\":\""
                + STREET
                + "\",\"city\":\"Utrecht\",\"postalCode\":\"3511\",\"country\":\"NL\"}"
            : "")
        + "}";
  }

  private HttpResponse<String> send(
      String method, String path, String token, String body, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertEquals(200 / 100, response.statusCode() / 100, response.body());
    return EventCodec.mapper().readTree(response.body());
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static boolean poll(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** Serves {@link #published} at an https URL with a self-signed certificate made by keytool. */
  private String jwksOverHttps() throws Exception {
    char[] password = "changeit".toCharArray();
    KeyStore store = TlsFiles.selfSigned(dir, password);
    KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
    keys.init(store, password);
    TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext(
        "/jwks.json",
        exchange -> {
          byte[] body = new JWKSet(published).toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    closing.add(() -> server.stop(0));
    defaultSsl = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(tls.getSocketFactory());
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
  }

  private void start(TestBroker broker, String jwks) throws Exception {
    String db = TestDatabases.sqlite(dir);
    ConsumerSettings settings =
        TestSettings.builder()
            .tiers(TIERS)
            .shutdownTimeout(Duration.ofSeconds(10))
            .httpPort(0)
            .build();
    ServiceMain.RunningService service =
        OrderServiceIT.start(broker, settings, db, TokenVerifier.of(jwks, ISSUER, AUDIENCE));
    closing.add(service::stop);
    base = "http://127.0.0.1:" + service.httpPort();
  }
}
