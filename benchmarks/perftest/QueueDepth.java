import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Prints each queue's exact message count (a passive declare; list_queues lags for quorum queues):
 * {@code java -cp <perftest classpath> QueueDepth.java URI QUEUE...}, one "name count" a line,
 * "name -" for a queue that does not exist.
 */
public class QueueDepth {
  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    try (Connection connection = factory.newConnection("bench-queue-depth")) {
      for (int i = 1; i < args.length; i++) {
        try (Channel channel = connection.createChannel()) {
          System.out.println(args[i] + " " + channel.queueDeclarePassive(args[i]).getMessageCount());
        } catch (Exception e) {
          System.out.println(args[i] + " -");
        }
      }
    }
  }
}
