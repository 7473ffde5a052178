package orderflow.broker;

import com.rabbitmq.client.Connection;

/**
 * A connection from {@link BrokerConnector#connectWatched} and what tells whether the broker still
 * answers on it.
 */
public record WatchedConnection(Connection connection, ConnectionSilence silence) {}
