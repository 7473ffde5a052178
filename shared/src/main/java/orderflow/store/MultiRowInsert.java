package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inserts many rows with few statements: {@code INSERT ... VALUES (..), (..), ...} in chunks whose
 * sizes are powers of two up to {@value #MAX_ROWS}, so a long-lived connection prepares at most
 * seven statement texts per table, and PostgreSQL needs one round trip per chunk instead of one per
 * row. Rows come back through the statement's {@code RETURNING} clause; neither database promises
 * their order, so callers return a key with them.
 *
 * <p>This class is immutable and thread-safe; each call uses only the caller's connection.
 */
final class MultiRowInsert {
  /** 64 rows of up to eight columns stay far below both databases' bind-parameter limits. */
  static final int MAX_ROWS = 64;

  /** Binds one row's values from {@code parameterIndex} on. */
  @FunctionalInterface
  interface RowBinder<T> {
    void bind(PreparedStatement statement, int parameterIndex, T row) throws SQLException;
  }

  /** Reads one returned row. */
  @FunctionalInterface
  interface ReturnedRow<R> {
    R read(ResultSet rows) throws SQLException;
  }

  private final int columns;

  /** The statement text for 2^k rows at index k. */
  private final String[] sqlByLog2Size;

  /**
   * @param head {@code INSERT INTO table (columns) VALUES}
   * @param columns how many {@code ?} one row has
   * @param tail what follows the rows, such as {@code ON CONFLICT DO NOTHING RETURNING id}
   */
  MultiRowInsert(String head, int columns, String tail) {
    this.columns = columns;
    String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
    this.sqlByLog2Size = new String[Integer.numberOfTrailingZeros(MAX_ROWS) + 1];
    for (int k = 0; k < sqlByLog2Size.length; k++) {
      sqlByLog2Size[k] =
          head + " " + String.join(", ", Collections.nCopies(1 << k, row)) + " " + tail;
    }
  }

  /** Inserts {@code rows} and returns what the statements returned, in no particular order. */
  <T, R> List<R> insert(
      Connection connection, List<T> rows, RowBinder<T> binder, ReturnedRow<R> returned)
      throws SQLException {
    List<R> results = new ArrayList<>(rows.size());
    int from = 0;
    while (from < rows.size()) {
      int size = Math.min(MAX_ROWS, Integer.highestOneBit(rows.size() - from));
      String sql = sqlByLog2Size[Integer.numberOfTrailingZeros(size)];
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < size; i++) {
          binder.bind(statement, i * columns + 1, rows.get(from + i));
        }
        try (ResultSet inserted = statement.executeQuery()) {
          while (inserted.next()) {
            results.add(returned.read(inserted));
          }
        }
      }
      from += size;
    }
    return results;
  }
}
