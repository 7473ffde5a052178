package orderflow.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.ConnectionFactory;
import orderflow.config.BrokerSettings;
import org.junit.jupiter.api.Test;

class BrokerConnectorTest {
  @Test
  void amqpsUsesTlsWithHostnameVerificationOnTheTlsPort() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqps://u:secret@broker.example", ""), "test")
            .factory();
    assertTrue(factory.isSSL());
    assertEquals(5671, factory.getPort());
  }

  @Test
  void plainAmqpRecoversAutomaticallyWithTopology() {
    ConnectionFactory factory =
        new BrokerConnector(BrokerSettings.of("amqp://u:secret@localhost:5672/%2F", ""), "test")
            .factory();
    assertFalse(factory.isSSL());
    assertTrue(factory.isAutomaticRecoveryEnabled());
    assertTrue(factory.isTopologyRecoveryEnabled());
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
}
