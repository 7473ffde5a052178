package orderflow.producer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.Callable;
import orderflow.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code producer dev-token}: a development issuer, never the default of {@code serve}. Makes an EC
 * P-256 key in {@code --dir} on first use ({@code dev-issuer-key.json}, mode 600, and the public
 * {@code jwks.json} for {@code serve --auth-jwks}) and prints one signed access token.
 */
@Command(
    name = "dev-token",
    description = {
      "Print an access token of a development issuer (iss " + DevTokenCommand.ISSUER + ", aud",
      DevTokenCommand.AUDIENCE + ") signed by a key kept in --dir; serve --auth-jwks DIR/jwks.json."
    })
final class DevTokenCommand implements Callable<Integer> {
  static final String ISSUER = "orderflow-dev";
  static final String AUDIENCE = "orders-api";

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The issuer's keys.")
  private Path dir;

  @Option(names = "--subject", required = true, paramLabel = "CUSTOMER", description = "sub")
  private String subject;

  @Option(
      names = "--scope",
      defaultValue = "orders:read orders:write",
      description = "Space separated (default: ${DEFAULT-VALUE}).")
  private String scope;

  @Option(
      names = "--ttl",
      defaultValue = "1h",
      converter = Durations.Positive.class,
      description = "Lifetime (default: ${DEFAULT-VALUE}).")
  private Duration ttl;

  @Override
  public Integer call() throws Exception {
    Path keyFile = dir.resolve("dev-issuer-key.json");
    ECKey key;
    if (Files.exists(keyFile)) {
      key = ECKey.parse(Files.readString(keyFile));
    } else {
      key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
      Files.createDirectories(dir);
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(keyFile, key.toJSONString());
      Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
    }
    Instant now = Instant.now();
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .claim("scope", scope)
                .claim("client_id", "dev-token")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    token.sign(new ECDSASigner(key));
    System.out.println(token.serialize());
    return 0;
  }
}
