package orderflow.orderservice.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  @TempDir Path dir;

  @Test
  void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    TokenVerifier verifier = TokenVerifier.of(jwks.toString(), "iss", "aud");
    // Expired 58 s ago: still accepted within the 60 s skew, for one or two more seconds.
    Instant expiry = Instant.now().minusSeconds(TokenVerifier.MAX_CLOCK_SKEW_SECONDS - 2);
    String token = token(key, expiry);

    assertEquals("alice", verifier.verify(token).customerId());
    assertEquals("alice", verifier.verify(token).customerId()); // remembered

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    TokenVerifier.Refused refused = null;
    while (refused == null && System.nanoTime() < deadline) {
      try {
        verifier.verify(token);
        Thread.onSpinWait();
      } catch (TokenVerifier.Refused e) {
        refused = e;
      }
    }
    assertEquals(TokenVerifier.Refused.EXPIRED, refused == null ? null : refused.event());
    assertThrows(TokenVerifier.Refused.class, () -> verifier.verify(token));
  }

  private static String token(ECKey key, Instant expiry) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(),
            new JWTClaimsSet.Builder()
                .issuer("iss")
                .audience("aud")
                .subject("alice")
                .claim("scope", "orders:read")
                .expirationTime(Date.from(expiry))
                .build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }
}
