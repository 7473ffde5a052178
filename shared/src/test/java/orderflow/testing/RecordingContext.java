package orderflow.testing;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import orderflow.consume.HandlerContext;
import orderflow.envelope.EventPayload;

/**
 * A handler context over a test's own transaction that records what the handler emits, for handler
 * tests without the consumer runtime. Thread-safe: handlers may emit from several threads.
 */
public final class RecordingContext implements HandlerContext {
  private final Connection connection;
  private final List<EventPayload> emitted = new ArrayList<>();

  public RecordingContext(Connection connection) {
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

  /** Everything emitted so far, in order. */
  public synchronized List<EventPayload> emitted() {
    return List.copyOf(emitted);
  }

  /** The one event emitted; fails the test if there were none or several. */
  public synchronized EventPayload single() {
    if (emitted.size() != 1) {
      throw new AssertionError("expected exactly one emitted event, got " + emitted);
    }
    return emitted.get(0);
  }
}
