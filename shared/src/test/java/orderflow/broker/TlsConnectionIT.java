package orderflow.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import orderflow.config.BrokerSettings;
import orderflow.testing.TlsBrokerNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real TLS listener (a second RabbitMQ node this test starts and stops, see {@link
 * TlsBrokerNode}): a broker whose certificate chains to the {@code --tls-ca} and names the host is
 * accepted without the client's trust-everything alert; another CA, the JVM trust store (which does
 * not know the test CA) and a host the certificate does not name are refused.
 */
class TlsConnectionIT {
  private static TlsBrokerNode node;

  @BeforeAll
  static void startTlsNode() throws Exception {
    node = TlsBrokerNode.start();
  }

  @AfterAll
  static void stopTlsNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aBrokerCertifiedByTheTlsCaForItsHostIsAcceptedWithoutASecurityAlert() {
    BrokerSettings settings =
        BrokerSettings.of(node.uri(TlsBrokerNode.TRUSTED_HOST), "")
            .withTlsCa(node.caCertificate().toString());

    String logged =
        StandardErr.capture(
            () -> {
              try (Connection connection = new BrokerConnector(settings, "tls-it").connect("it");
                  Channel channel = connection.createChannel()) {
                // A round trip over the verified session: a temporary queue on the TLS node only.
                assertTrue(channel.queueDeclare().getQueue().startsWith("amq.gen-"));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });

    assertFalse(logged.contains("SECURITY ALERT"), logged);
  }

  @Test
  void aBrokerCertifiedByAnotherCaIsRefused() {
    BrokerSettings settings =
        BrokerSettings.of(node.uri(TlsBrokerNode.TRUSTED_HOST), "")
            .withTlsCa(node.otherCaCertificate().toString());

    BrokerUnavailableException refused =
        assertThrows(
            BrokerUnavailableException.class,
            () -> new BrokerConnector(settings, "tls-it").connect("it").close());
    assertTrue(refused.getMessage().contains("certif"), refused.getMessage());
    assertFalse(refused.getMessage().contains("guest:guest"), refused.getMessage());
  }

  @Test
  void theJvmTrustStoreDoesNotTrustASelfMadeCa() {
    BrokerSettings settings = BrokerSettings.of(node.uri(TlsBrokerNode.TRUSTED_HOST), "");

    BrokerUnavailableException refused =
        assertThrows(
            BrokerUnavailableException.class,
            () -> new BrokerConnector(settings, "tls-it").connect("it").close());
    assertTrue(refused.getMessage().contains("certif"), refused.getMessage());
  }

  @Test
  void aHostTheCertificateDoesNotNameIsRefused() {
    BrokerSettings settings =
        BrokerSettings.of(node.uri(TlsBrokerNode.WRONG_HOST), "")
            .withTlsCa(node.caCertificate().toString());

    BrokerUnavailableException refused =
        assertThrows(
            BrokerUnavailableException.class,
            () -> new BrokerConnector(settings, "tls-it").connect("it").close());
    assertTrue(refused.getMessage().contains(TlsBrokerNode.WRONG_HOST), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("subject alternative name")
            || refused.getMessage().contains("No subject"),
        refused.getMessage());
  }
}
