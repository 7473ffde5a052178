package orderflow.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Chooses the integration-test broker as docs/architecture.md section 10 says: {@code RABBITMQ_URI}
 * if set; a Testcontainers RabbitMQ if Docker is available; the broker on localhost:5672 if one
 * answers; otherwise fail, saying how to provide one. Chosen once per JVM.
 */
final class BrokerSelection {
  static final String IMAGE = "rabbitmq:3.13-management";
  private static URI chosen;
  private static String how;

  private BrokerSelection() {}

  static synchronized URI broker() {
    if (chosen == null) {
      chosen = choose();
      System.err.println("[it] RabbitMQ for integration tests: " + how);
    }
    return chosen;
  }

  private static URI choose() {
    String fromEnv = System.getenv("RABBITMQ_URI");
    if (fromEnv != null && !fromEnv.isBlank()) {
      how = "RABBITMQ_URI";
      return URI.create(fromEnv);
    }
    if (dockerAvailable()) {
      RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse(IMAGE));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "it-rabbitmq-stop"));
      how = "Testcontainers " + IMAGE;
      return URI.create(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@"));
    }
    if (answers("localhost", 5672)) {
      how = "the broker on localhost:5672 (no Docker)";
      return URI.create("amqp://guest:guest@localhost:5672/%2F");
    }
    throw new IllegalStateException(
        "No RabbitMQ for integration tests: set RABBITMQ_URI=amqp://user:pass@host:5672/%2F, "
            + "start Docker so Testcontainers can run "
            + IMAGE
            + ", or run a broker on localhost:5672 (e.g. `rabbitmq-server -detached`).");
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
