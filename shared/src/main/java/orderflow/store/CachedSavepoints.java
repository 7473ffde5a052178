package orderflow.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * JDBC savepoints of a lent SQLite connection as prepared statements from its {@link
 * StatementCache}. The driver's own savepoints carry a new name each time, so every {@code
 * SAVEPOINT} and {@code RELEASE} was parsed again: with a savepoint or two per event, that was a
 * good part of the cost of applying it. Names here come from the nesting depth, which repeats.
 *
 * <p>Confined to the thread that holds the loan.
 */
final class CachedSavepoints {
  private final StatementCache statements;
  private int depth;

  private record DepthSavepoint(int depth) implements Savepoint {
    @Override
    public int getSavepointId() {
      return depth;
    }

    @Override
    public String getSavepointName() {
      return "orderflow_sp" + depth;
    }
  }

  CachedSavepoints(StatementCache statements) {
    this.statements = statements;
  }

  Savepoint set() throws SQLException {
    DepthSavepoint savepoint = new DepthSavepoint(depth + 1);
    run("SAVEPOINT " + savepoint.getSavepointName());
    depth = savepoint.depth();
    return savepoint;
  }

  /** Undoes what followed {@code savepoint}, which stays set (as in JDBC and SQLite). */
  void rollbackTo(Savepoint savepoint) throws SQLException {
    DepthSavepoint own = own(savepoint);
    run("ROLLBACK TO " + own.getSavepointName());
    depth = own.depth();
  }

  /** Releases {@code savepoint} and every savepoint set after it. */
  void release(Savepoint savepoint) throws SQLException {
    DepthSavepoint own = own(savepoint);
    run("RELEASE " + own.getSavepointName());
    depth = own.depth() - 1;
  }

  /** The transaction ended: no savepoint is left. */
  void reset() {
    depth = 0;
  }

  private DepthSavepoint own(Savepoint savepoint) throws SQLException {
    if (savepoint instanceof DepthSavepoint own && own.depth() <= depth) {
      return own;
    }
    throw new SQLException("savepoint not set in this transaction: " + savepoint);
  }

  private void run(String sql) throws SQLException {
    try (PreparedStatement statement = statements.prepare(sql)) {
      statement.execute();
    }
  }
}
