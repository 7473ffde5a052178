package orderflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several broker URIs in one {@code --uri}: the nodes of one cluster. */
class BrokerUriListTest {
  @Test
  void commaSeparatedUrisBecomeOneNodeEachInTheOrderGiven() {
    BrokerSettings settings =
        BrokerSettings.of(
            "amqp://app:pw@10.0.0.2:5672/%2F, amqp://app:pw@10.0.0.3/%2F,amqp://app:pw@node4:5673/%2F",
            "");

    assertEquals(
        List.of(
            URI.create("amqp://app:pw@10.0.0.2:5672/%2F"),
            URI.create("amqp://app:pw@10.0.0.3/%2F"),
            URI.create("amqp://app:pw@node4:5673/%2F")),
        settings.uris());
    assertEquals("10.0.0.2:5672, 10.0.0.3:5672, node4:5673", settings.nodes());
    assertEquals(URI.create("amqp://app:pw@10.0.0.2:5672/%2F"), settings.uri());
  }

  @Test
  void oneUriIsAListOfOne() {
    BrokerSettings settings = BrokerSettings.of("amqp://app:pw@host/%2F", "");

    assertEquals(List.of(URI.create("amqp://app:pw@host/%2F")), settings.uris());
  }

  @Test
  void aRawCommaInsideAPasswordStaysPartOfIt() {
    BrokerSettings settings =
        BrokerSettings.of("amqp://app:pa,ss@node1/%2F,amqp://app:pa,ss@node2/%2F", "");

    assertEquals(2, settings.uris().size());
    assertEquals("pa,ss", settings.userInfo().orElseThrow().password());
    assertEquals("node2", settings.uris().get(1).getHost());
  }

  @Test
  void theEnvironmentTakesAListToo() {
    BrokerSettings settings =
        new BrokerOptions()
            .settings(
                Map.of("RABBITMQ_URI", "amqps://app:pw@node1,amqps://app:pw@node2:5999")::get);

    assertEquals("node1:5671, node2:5999", settings.nodes());
    assertTrue(settings.tls());
  }

  @Test
  void redactionMasksThePasswordOfEveryUri() {
    BrokerSettings settings =
        BrokerSettings.of("amqp://app:Sup3rSecret@node1/%2F,amqp://app:Sup3rSecret@node2/%2F", "");

    assertEquals("amqp://app:****@node1/%2F,amqp://app:****@node2/%2F", settings.redactedUri());
    assertFalse(settings.toString().contains("Sup3rSecret"), settings.toString());
    assertEquals(
        "could not reach node2 as ****",
        settings.withoutSecrets("could not reach node2 as app:Sup3rSecret"));
  }

  @Test
  void urisWithOtherCredentialsAreRefusedWithoutEitherPassword() {
    assertEquals(
        "a broker URI list is whole amqp:// or amqps:// URIs separated by commas, differing from"
            + " the first only in host and port; this entry is not: 'amqp://app:****@node2/%2F'",
        refusal("amqp://app:FirstPw@node1/%2F,amqp://app:OtherPw@node2/%2F"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "amqp://u:p@n1/%2F,amqp://u:p@n2/orders",
        "amqp://u:p@n1/%2F,amqps://u:p@n2/%2F",
        "amqp://u:p@n1/%2F?heartbeat=5,amqp://u:p@n2/%2F",
        "amqp://n1/%2F,amqp://u:p@n2/%2F",
        "amqp://n1/%2F,,amqp://n2/%2F",
        ",amqp://n1/%2F",
        "amqp://n1/%2F,"
      })
  void aListWhoseEntriesDifferInMoreThanHostAndPortOrHasAnEmptyEntryIsRefused(String uris) {
    assertTrue(refusal(uris).startsWith("a broker URI list is whole"), refusal(uris));
  }

  @Test
  void anInvalidUriInTheListIsRefusedLikeASingleOne() {
    assertTrue(
        refusal("amqp://u:Sup3rSecret@n1/%2F,http://u:Sup3rSecret@n2/%2F")
            .contains("must start with amqp://"));
    assertFalse(
        refusal("amqp://u:Sup3rSecret@n1/%2F,http://u:Sup3rSecret@n2/%2F").contains("Sup3rSecret"));
    assertTrue(refusal("amqp://n1/%2F,amqp://n2:70000/%2F").contains("port must be 1 to 65535"));
  }

  private static String refusal(String uris) {
    return assertThrows(IllegalArgumentException.class, () -> BrokerSettings.of(uris, ""))
        .getMessage();
  }
}
