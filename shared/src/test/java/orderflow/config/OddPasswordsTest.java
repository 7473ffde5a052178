package orderflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Passwords with {@code :}, {@code @}, {@code %}, {@code /} or non-ASCII letters: written raw (not
 * a valid URI, or not the one meant) they are refused without being quoted; percent-encoded they
 * work, and never show. Every password starts with {@code S3cr}, which no output may contain.
 */
class OddPasswordsTest {
  private static final String SECRET_PREFIX = "S3cr";

  @ParameterizedTest
  @ValueSource(
      strings = {"S3cr:et", "S3cr@et", "S3cr%et", "S3cr/et", "S3crët", "S3cr:@%/ët", "S3cr et"})
  void aRawOddPasswordIsRefusedOrRedactedNeverShown(String password) {
    String uri = "amqp://app:" + password + "@rabbit.internal:5672/%2F";

    String shown;
    try {
      BrokerSettings settings = BrokerSettings.of(uri, "");
      shown = settings.redactedUri() + " " + settings + " " + settings.userInfo().orElseThrow();
    } catch (IllegalArgumentException e) {
      assertNull(e.getCause(), "a cause's message would be printed by --verbose");
      shown = e.getMessage();
    }

    assertFalse(shown.contains(SECRET_PREFIX), shown);
    assertFalse(Redaction.redactText("failed: " + uri + " (x)").contains(SECRET_PREFIX));
  }

  @ParameterizedTest
  @ValueSource(strings = {"S3cr:et", "S3cr@et", "S3cr%et", "S3cr/et", "S3crët", "S3cr:@%/ët+"})
  void aPercentEncodedOddPasswordWorksAndNeverShows(String password) {
    String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    String uri = "amqp://app:" + encoded + "@rabbit.internal:5672/%2F";

    BrokerSettings settings = BrokerSettings.of(uri, "");

    assertEquals(password, settings.userInfo().orElseThrow().password());
    assertEquals("app", settings.userInfo().orElseThrow().username());
    assertEquals("amqp://app:****@rabbit.internal:5672/%2F", settings.redactedUri());
    assertFalse(settings.toString().contains(SECRET_PREFIX), settings.toString());
    assertEquals("amqp://rabbit.internal:5672/%2F", settings.uriWithoutUserInfo().toString());
    String message = "Bad user info: app:" + encoded + " and " + password;
    assertFalse(
        Redaction.withoutSecrets(message, settings.uri()).contains(SECRET_PREFIX),
        Redaction.withoutSecrets(message, settings.uri()));
  }
}
