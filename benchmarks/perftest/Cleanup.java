import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deletes what a benchmark filled: {@code java -cp <perftest classpath> Cleanup.java URI NAME...}
 * deletes each NAME as a queue and as an exchange; with {@code -} it reads the names from the
 * JSON of {@code producer topology declare --json} on stdin. Missing names are ignored.
 */
public class Cleanup {
  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("-")) {
        String json = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher matcher = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(json);
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      } else {
        names.add(args[i]);
      }
    }
    try (Connection connection = factory.newConnection("bench-cleanup")) {
      for (String name : names) {
        attempt(connection, name, true);
        attempt(connection, name, false);
      }
    }
    System.err.println("deleted (where present): " + String.join(" ", names));
  }

  private static void attempt(Connection connection, String name, boolean queue) {
    try (Channel channel = connection.createChannel()) {
      if (queue) {
        channel.queueDelete(name);
      } else {
        channel.exchangeDelete(name);
      }
    } catch (Exception e) {
      // Not there (or not of this kind): nothing to delete.
    }
  }
}
