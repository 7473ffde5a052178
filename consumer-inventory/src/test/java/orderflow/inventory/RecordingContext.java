package orderflow.inventory;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.HandlerContext;
import orderflow.envelope.EventPayload;

/** A handler context on a test's own transaction that records what the handler emits. */
final class RecordingContext implements HandlerContext {
  private final Connection connection;
  final List<EventPayload> emitted = new ArrayList<>();

  RecordingContext(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public void emit(EventPayload payload) {
    emitted.add(payload);
  }

  EventPayload single() {
    if (emitted.size() != 1) {
      throw new AssertionError("expected exactly one emitted event, got " + emitted);
    }
    return emitted.get(0);
  }
}
