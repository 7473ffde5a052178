package orderflow.shipping;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.HandlerContext;
import orderflow.envelope.EventPayload;

/** A handler context over a test's own transaction that records what the handler emits. */
final class RecordingContext implements HandlerContext {
  private final Connection connection;
  private final List<EventPayload> emitted = new ArrayList<>();

  RecordingContext(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public synchronized void emit(EventPayload payload) {
    emitted.add(payload);
  }

  synchronized List<EventPayload> emitted() {
    return List.copyOf(emitted);
  }
}
