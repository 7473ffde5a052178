package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;
import orderflow.store.Database;
import orderflow.store.Sql;
import orderflow.stream.StreamRecord;
import orderflow.stream.StreamStart;
import orderflow.stream.StreamWalk;

/**
 * An order read model kept from the events stream in a database of its own: each batch is applied
 * by {@link OrderProjector} and the next offset written in the same transaction, so after a crash
 * it resumes exactly where it stopped. A message that is not a valid event is skipped and counted.
 */
public final class StreamProjection {
  public static final int MAX_BATCH = 500;

  private final EventCodec codec = new EventCodec();
  private final Database database;
  private final String name;
  private final OrderProjector projector;
  private final Clock clock;
  private long applied;
  private long skipped;
  private long firstOffset = -1;

  /** {@code firstOffset}: the first offset this run read, -1 when it read none. */
  public record Result(long applied, long skipped, long firstOffset, long nextOffset) {}

  public StreamProjection(Database database, String name, Clock clock) {
    this.database = database;
    this.name = name;
    this.clock = clock;
    this.projector = new OrderProjector(database.dialect(), clock);
  }

  /** Migrates, then reads the stream from where this projection stopped (its start if never). */
  public Result run(StreamWalk walk, BooleanSupplier stop) throws Exception {
    database.migrate(OrderService.NAME);
    database.migrate("stream-projection");
    long next = nextOffset();
    walk.walk(next < 0 ? StreamStart.FIRST : new StreamStart(next), stop, this::apply);
    return new Result(applied, skipped, firstOffset, Math.max(nextOffset(), 0));
  }

  /** -1 when the projection has applied nothing yet. */
  private long nextOffset() throws SQLException {
    try (Connection connection = database.openReadOnly()) {
      return Sql.first(
              connection,
              "SELECT next_offset FROM stream_offsets WHERE projection = ?",
              row -> row.getLong(1),
              name)
          .orElse(-1L);
    }
  }

  private void apply(List<StreamRecord> batch) throws SQLException {
    if (firstOffset < 0) {
      firstOffset = batch.get(0).offset();
    }
    long appliedHere = 0;
    try (Connection connection = database.open()) {
      for (StreamRecord record : batch) {
        EventEnvelope event;
        try {
          event = codec.decode(record.delivery().getBody());
        } catch (InvalidEventException e) {
          continue;
        }
        projector.record(connection, event);
        appliedHere++;
      }
      Sql.update(
          connection,
          "INSERT INTO stream_offsets (projection, next_offset, updated_at) VALUES (?, ?, ?)"
              + " ON CONFLICT (projection) DO UPDATE SET next_offset = excluded.next_offset,"
              + " updated_at = excluded.updated_at",
          name,
          batch.get(batch.size() - 1).offset() + 1,
          clock.millis());
      connection.commit();
    }
    applied += appliedHere;
    skipped += batch.size() - appliedHere;
  }
}
