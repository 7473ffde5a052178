package orderflow.orderservice.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies JWT access tokens with nimbus-jose-jwt, as RFC 9068 and RFC 8725 ask: signed by a key of
 * the JWKS with RS256 or ES256 only; {@code iss} and {@code aud} as configured; {@code sub} and
 * {@code exp} required; {@code exp} and {@code nbf} within {@link #MAX_CLOCK_SKEW_SECONDS}; {@code
 * typ} {@code at+jwt}, {@code JWT} or none. A JWKS at an https URL is cached and fetched again for
 * an unknown {@code kid}, at most once every {@link #REFRESH_MIN_INTERVAL_MS}. A token verified
 * once is remembered until it expires (at most {@link #REMEMBERED} tokens; a full memory starts
 * over): a client sends the same token for its lifetime, and a signature check costs far more than
 * the request it guards. Thread-safe.
 */
public final class TokenVerifier {
  public static final int MAX_CLOCK_SKEW_SECONDS = 60;
  static final long REFRESH_MIN_INTERVAL_MS = 5_000;
  private static final int FETCH_TIMEOUT_MS = 5_000;
  static final int REMEMBERED = 10_000;
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(Caller caller, long expiresAtMillis) {}

  private TokenVerifier(DefaultJWTProcessor<SecurityContext> processor) {
    this.processor = processor;
  }

  /** Authentication off ({@code --auth none}): every caller is an admin without a name. */
  public static TokenVerifier none() {
    return new TokenVerifier(null);
  }

  /** {@code jwks}: a file or an https URL; IllegalArgumentException when unusable. */
  public static TokenVerifier of(String jwks, String issuer, String audience) {
    JWKSource<SecurityContext> keys;
    try {
      if (jwks.startsWith("https://")) {
        keys =
            JWKSourceBuilder.<SecurityContext>create(
                    URI.create(jwks).toURL(),
                    new DefaultResourceRetriever(FETCH_TIMEOUT_MS, FETCH_TIMEOUT_MS, 512 * 1024))
                .rateLimited(REFRESH_MIN_INTERVAL_MS)
                .build();
      } else if (jwks.contains("://")) {
        throw new IllegalArgumentException("--auth-jwks: a file or an https URL, was " + jwks);
      } else {
        keys = new ImmutableJWKSet<>(JWKSet.load(new File(jwks)));
      }
    } catch (IOException | ParseException e) {
      throw new IllegalArgumentException("--auth-jwks: cannot read " + jwks + ": " + e, e);
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audience, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"));
    claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(claims);
    return new TokenVerifier(processor);
  }

  public boolean on() {
    return processor != null;
  }

  /** Throws {@link Refused} in general words, never quoting the token (null: none sent). */
  public Caller verify(String token) throws Refused {
    if (processor == null) {
      return Caller.ANYONE;
    }
    if (token == null || token.isEmpty()) {
      throw new Refused(Refused.MISSING, null);
    }
    Verified known = verified.get(token);
    if (known != null && System.currentTimeMillis() < known.expiresAtMillis()) {
      return known.caller();
    }
    try {
      JWT jwt = JWTParser.parse(token);
      if (!(jwt instanceof SignedJWT signed)
          || !ALGORITHMS.contains(signed.getHeader().getAlgorithm())) {
        throw new Refused(Refused.INVALID, "unsupported algorithm");
      }
      JWTClaimsSet claims = processor.process(jwt, null);
      String scope = claims.getStringClaim("scope");
      Caller caller =
          new Caller(
              claims.getSubject(),
              claims.getStringClaim("client_id"),
              scope == null ? Set.of() : Set.copyOf(Arrays.asList(scope.trim().split(" +"))));
      if (verified.size() >= REMEMBERED) {
        verified.clear();
      }
      verified.put(
          token,
          new Verified(
              caller, claims.getExpirationTime().getTime() + MAX_CLOCK_SKEW_SECONDS * 1000L));
      return caller;
    } catch (ParseException e) {
      throw new Refused(Refused.INVALID, "malformed");
    } catch (ExpiredJWTException e) {
      throw new Refused(Refused.EXPIRED, "expired");
    } catch (BadJOSEException | JOSEException e) {
      throw new Refused(Refused.INVALID, inGeneralWords(e));
    }
  }

  /** Nimbus's messages may quote the token's values: these words do not. */
  private static String inGeneralWords(Exception e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof KeySourceException) {
      return "keys unavailable";
    } else if (e instanceof BadJWSException || e instanceof JOSEException) {
      return "bad signature";
    } else if (message.contains("before use time")) {
      return "not yet valid";
    } else if (message.contains("missing")) {
      return "missing claims";
    } else if (message.contains("aud")) {
      return "wrong audience";
    } else if (message.contains("iss")) {
      return "wrong issuer";
    } else if (message.contains("typ")) {
      return "unsupported type";
    }
    return e instanceof BadJWTException ? "invalid claims" : "unknown key";
  }

  /** A token refused: its OWASP event and general words (null when there was no token). */
  public static final class Refused extends Exception {
    static final String MISSING = "authn_token_missing";
    static final String INVALID = "authn_token_invalid";
    static final String EXPIRED = "authn_token_expired";
    private static final long serialVersionUID = 1L;

    private final String event;

    Refused(String event, String description) {
      super(description, null, false, false);
      this.event = event;
    }

    String event() {
      return event;
    }
  }
}
