package orderflow.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import orderflow.config.BrokerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConnectorTest {
  @Test
  void amqpsUsesTlsWithHostnameVerificationOnTheTlsPort() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqps://u:secret@broker.example", ""), "test")
            .factory("t");
    assertTrue(factory.isSSL());
    assertEquals(5671, factory.getPort());
  }

  @Test
  void plainAmqpRecoversAutomaticallyWithTopology() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqp://u:secret@localhost:5672/%2F", ""), "test")
            .factory("t");
    assertFalse(factory.isSSL());
    assertTrue(factory.isAutomaticRecoveryEnabled());
    assertTrue(factory.isTopologyRecoveryEnabled());
  }

  @Test
  void percentEncodedCredentialsAreDecodedAsUtf8AndTheVhostKept() {
    ConnectionFactory factory =
        new BrokerConnector(
                BrokerSettings.of("amqp://us%40er:S3cr%3A%40%25%2F%C3%ABt@localhost:5672/%2F", ""),
                "test")
            .factory("t");

    assertEquals("us@er", factory.getUsername());
    assertEquals("S3cr:@%/ët", factory.getPassword());
    assertEquals("/", factory.getVirtualHost());
  }

  @Test
  void anUnreachableBrokerWithAnOddPasswordIsOneLineWithoutIt() {
    BrokerConnector connector =
        new BrokerConnector(
            BrokerSettings.of("amqp://user:S3cr%3A%40%C3%ABt@127.0.0.1:1/%2F", ""), "test");

    BrokerUnavailableException error =
        assertThrows(BrokerUnavailableException.class, () -> connector.connect("probe"));

    assertFalse(error.getMessage().contains("S3cr"), error.getMessage());
    assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
  }

  @Test
  void anUnreachableBrokerIsOneLineNamingHostAndPortWithoutThePassword() {
    BrokerConnector connector =
        new BrokerConnector(BrokerSettings.of("amqp://user:s3cret@127.0.0.1:1/%2F", ""), "test");
    BrokerUnavailableException error =
        assertThrows(BrokerUnavailableException.class, () -> connector.connect("probe"));
    assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
    assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    assertFalse(error.getMessage().contains("\n"), error.getMessage());
  }

  @Test
  void amqpsConfiguresVerifyingTlsWithoutTheClientsTrustEverythingSecurityAlert() {
    String logged =
        StandardErr.capture(
            () ->
                new BrokerConnector(
                        BrokerSettings.of("amqps://u:secret@broker.example:5999/%2F", ""), "test")
                    .factory("t"));

    assertFalse(logged.contains("SECURITY ALERT"), logged);
    assertFalse(logged.contains("trusts every certificate"), logged);
  }

  @Test
  void amqpsKeepsAnExplicitPortAndTheVirtualHost() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqps://u:secret@broker.example:5999/v1", ""), "t")
            .factory("t");
    assertTrue(factory.isSSL());
    assertEquals(5999, factory.getPort());
    assertEquals("v1", factory.getVirtualHost());
    assertEquals("u", factory.getUsername());
  }

  @Test
  void aTlsCaFileWithoutACertificateIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    BrokerSettings settings =
        BrokerSettings.of("amqps://u:secret@broker.example", "").withTlsCa(notPem.toString());

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> new BrokerConnector(settings, "t").factory("t"));
    assertTrue(error.getMessage().contains("--tls-ca " + notPem), error.getMessage());
    assertFalse(error.getMessage().contains("secret"), error.getMessage());
  }

  @Test
  void everyNodeOfTheListIsAnAddressWithItsPortOrTheSchemesDefault() {
    BrokerConnector connector =
        new BrokerConnector(
            BrokerSettings.of("amqps://u:secret@node1,amqps://u:secret@node2:5999", ""), "t");

    assertEquals(
        List.of(new Address("node1", 5671), new Address("node2", 5999)), connector.addresses());
  }

  @Test
  void noNodeOfTheListAnsweringIsOneLineNamingEveryNodeWithoutThePassword() {
    BrokerConnector connector =
        new BrokerConnector(
            BrokerSettings.of(
                "amqp://user:s3cret@127.0.0.1:1/%2F,amqp://user:s3cret@127.0.0.1:2/%2F", ""),
            "test");

    BrokerUnavailableException error =
        assertThrows(BrokerUnavailableException.class, () -> connector.connect("probe"));

    assertTrue(error.getMessage().contains("127.0.0.1:1, 127.0.0.1:2"), error.getMessage());
    assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    assertFalse(error.getMessage().contains("\n"), error.getMessage());
  }

  @Test
  void theUrisHeartbeatAndConnectionTimeoutWinOverTheDefaults() {
    ConnectionFactory factory =
        new BrokerConnector(
                BrokerSettings.of(
                    "amqp://u:p@localhost/%2F?heartbeat=5&connection_timeout=3000", ""),
                "t")
            .factory("t");

    assertEquals(5, factory.getRequestedHeartbeat());
    assertEquals(3000, factory.getConnectionTimeout());
  }

  @Test
  void withoutAHeartbeatInTheUriTheDefaultIsTenSeconds() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqp://u:p@localhost/%2F", ""), "t").factory("t");

    assertEquals(10, factory.getRequestedHeartbeat());
    assertEquals(BrokerConnector.DEFAULT_HEARTBEAT_SECONDS, factory.getRequestedHeartbeat());
  }

  @Test
  void aHeartbeatThatIsNotANumberIsOneLineWithoutThePassword() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BrokerConnector(
                        BrokerSettings.of("amqp://u:s3cret@localhost/%2F?heartbeat=soon", ""), "t")
                    .factory("t"));

    assertTrue(error.getMessage().contains("heartbeat"), error.getMessage());
    assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
  }

  @Test
  void eachConnectionKeepsItsOwnClientMetersTaggedByPurpose() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String logged =
        StandardErr.capture(
            () -> {
              BrokerConnector connector =
                  new BrokerConnector(
                      BrokerSettings.of("amqp://u:p@localhost/%2F", ""), "t", registry);
              connector.factory("consumer");
              connector.factory("publisher");
            });

    assertEquals(2, registry.find("rabbitmq.connections").gauges().size());
    assertEquals(
        1, registry.find("rabbitmq.connections").tag("connection", "publisher").gauges().size());
    assertFalse(logged.contains("already registered"), logged);
  }
}
