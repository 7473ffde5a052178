package orderflow.broker;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import java.io.IOException;

/**
 * A connection factory whose connections, and every connection automatic recovery opens in their
 * place, report the frames they read to one {@link InboundTraffic}. One factory per connection.
 */
final class TrafficWatchingConnectionFactory extends ConnectionFactory {
  private final InboundTraffic traffic = new InboundTraffic();

  InboundTraffic traffic() {
    return traffic;
  }

  @Override
  protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
    FrameHandlerFactory plain = super.createFrameHandlerFactory();
    return (address, connectionName) ->
        new TrafficWatchingFrameHandler(plain.create(address, connectionName), traffic);
  }
}
