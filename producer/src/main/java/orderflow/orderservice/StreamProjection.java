package orderflow.orderservice;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import orderflow.envelope.EventCodec;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.InvalidEventException;
import orderflow.store.Database;
import orderflow.stream.StreamRecord;
import orderflow.stream.StreamStart;
import orderflow.stream.StreamWalk;

/**
 * An order read model kept from the events stream in a database of its own: each batch of records
 * is appended to its event store and folded into its read model ({@link OrderProjector}), and the
 * next offset is written in the same transaction ({@link ProjectionOffsets}). After a crash at any
 * moment it resumes at the first offset it had not committed: every event is applied exactly once
 * (an event the stream holds twice, an outbox repeat, is absorbed by its eventId).
 *
 * <p>A message that is not a valid event is skipped (the services dead-letter it; the stream keeps
 * it for audit) and counted. Not thread-safe: one walk at a time.
 */
public final class StreamProjection {
  /** Records applied per transaction at most. */
  public static final int MAX_BATCH = 500;

  private final EventCodec codec = new EventCodec();
  private final ProjectionOffsets offsets = new ProjectionOffsets();
  private final Database database;
  private final String name;
  private final OrderProjector projector;
  private final Clock clock;
  private long applied;
  private long skipped;
  private long firstOffset = -1;

  /**
   * What one run did.
   *
   * @param firstOffset the first offset this run read, -1 when it read none
   */
  public record Result(long applied, long skipped, long firstOffset, long nextOffset) {}

  public StreamProjection(Database database, String name, Clock clock) {
    this.database = Objects.requireNonNull(database, "database");
    this.name = Objects.requireNonNull(name, "name");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.projector = new OrderProjector(database.dialect(), clock);
  }

  /** Creates or upgrades the projection's tables: the order service's, and its offsets. */
  public void migrate() throws SQLException {
    database.migrate(OrderService.NAME, OrderService.migrations());
    database.migrate(ProjectionOffsets.COMPONENT, ProjectionOffsets.migrations());
  }

  /** Reads the stream from where this projection stopped (its start if it never ran). */
  public Result run(StreamWalk walk, BooleanSupplier stop) throws Exception {
    OptionalLong next;
    try (Connection connection = database.openReadOnly()) {
      next = offsets.next(connection, name);
    }
    walk.walk(
        next.isPresent() ? new StreamStart(next.getAsLong()) : StreamStart.FIRST,
        stop,
        this::apply);
    try (Connection connection = database.openReadOnly()) {
      return new Result(applied, skipped, firstOffset, offsets.next(connection, name).orElse(0));
    }
  }

  private void apply(List<StreamRecord> batch) throws SQLException {
    if (firstOffset < 0) {
      firstOffset = batch.get(0).offset();
    }
    long appliedHere = 0;
    long skippedHere = 0;
    try (Connection connection = database.open()) {
      try {
        for (StreamRecord record : batch) {
          EventEnvelope event;
          try {
            event = codec.decode(record.delivery().getBody());
          } catch (InvalidEventException e) {
            skippedHere++;
            continue;
          }
          projector.record(connection, event);
          appliedHere++;
        }
        offsets.save(connection, name, batch.get(batch.size() - 1).offset() + 1, clock.instant());
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    applied += appliedHere;
    skipped += skippedHere;
  }
}
