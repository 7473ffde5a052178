package orderflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {
  @Test
  void emptyEnvironmentGivesTheDefaults() {
    BrokerSettings settings = new BrokerOptions().settings(Map.<String, String>of()::get);

    assertEquals(BrokerSettings.DEFAULT_URI, settings.uri().toString());
    assertEquals("localhost", settings.uri().getHost());
    assertEquals(5672, settings.port());
    assertFalse(settings.tls());
    assertEquals("", settings.namespace());
  }

  @Test
  void environmentSetsTheUri() {
    BrokerSettings settings =
        new BrokerOptions()
            .settings(Map.of("RABBITMQ_URI", "amqp://app:pw@rabbit.internal:5673/orders")::get);

    assertEquals("rabbit.internal", settings.uri().getHost());
    assertEquals(5673, settings.port());
  }

  @Test
  void amqpsMeansTlsOnPort5671ByDefault() {
    BrokerSettings settings = BrokerSettings.of("amqps://app:pw@rabbit.example.com/%2F", "");

    assertTrue(settings.tls());
    assertEquals(5671, settings.port());
  }

  @Test
  void redactionNeverShowsThePassword() {
    BrokerSettings settings = BrokerSettings.of("amqp://app:Sup3rSecret@host:5672/%2F", "ns");

    assertFalse(settings.redactedUri().contains("Sup3rSecret"), settings.redactedUri());
    assertTrue(settings.redactedUri().contains("app:****@host"), settings.redactedUri());
    assertFalse(settings.toString().contains("Sup3rSecret"), settings.toString());
    assertEquals(
        "see amqp://app:****@host/x", Redaction.redactText("see amqp://app:Sup3rSecret@host/x"));
  }

  @Test
  void otherSchemesAreRejectedWithoutShowingThePassword() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerSettings.of("http://app:Sup3rSecret@host:5672/", ""));

    assertTrue(e.getMessage().contains("amqp://"), e.getMessage());
    assertFalse(e.getMessage().contains("Sup3rSecret"), e.getMessage());
  }

  @Test
  void aPortOver65535IsRejectedWithAClearMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BrokerSettings.of("amqp://u:pw@h:70000/", ""));

    assertEquals("broker URI port must be 1 to 65535, was 70000", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.of("amqp://h:0/", ""));
    assertEquals(65535, BrokerSettings.of("amqp://h:65535/", "").port());
  }

  @Test
  void aPortTooLargeForAnIntIsRejectedWithoutThePassword() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerSettings.of("amqp://u:Sup3rSecret@h:99999999999/", ""));

    assertTrue(e.getMessage().contains("no valid host"), e.getMessage());
    assertFalse(e.getMessage().contains("Sup3rSecret"), e.getMessage());
  }

  @Test
  void namespaceWithSpacesOrSlashesIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.of("amqp://h", "a b"));
    assertThrows(IllegalArgumentException.class, () -> BrokerSettings.of("amqp://h", "a/b"));
  }

  @Test
  void environmentNamesTheTlsCaFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "x");
    BrokerSettings settings =
        new BrokerOptions()
            .settings(Map.of("RABBITMQ_URI", "amqps://h", "RABBITMQ_TLS_CA", ca.toString())::get);

    assertEquals(ca, settings.tlsCa());
    assertEquals(null, new BrokerOptions().settings(Map.<String, String>of()::get).tlsCa());
  }

  @Test
  void aTlsCaFileThatCannotBeReadIsAUsageError() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerSettings.of("amqps://h", "").withTlsCa("/no/such/ca.pem"));
    assertTrue(error.getMessage().contains("--tls-ca"), error.getMessage());
  }
}
