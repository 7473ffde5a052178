package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inserts rows as {@code INSERT ... VALUES (..), (..)} in chunks of powers of two, so each table
 * has few statement texts to prepare. {@code RETURNING} rows come in no promised order: return a
 * key with them. Immutable and thread-safe.
 */
final class MultiRowInsert {
  static final int MAX_ROWS = 64;

  interface RowBinder<T> {
    void bind(PreparedStatement statement, int parameterIndex, T row) throws SQLException;
  }

  private final int columns;
  private final String[] sqlByLog2Size;

  /** {@code head} ends in {@code VALUES}; {@code tail} follows the rows, with its RETURNING. */
  MultiRowInsert(String head, int columns, String tail) {
    this.columns = columns;
    String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
    this.sqlByLog2Size = new String[Integer.numberOfTrailingZeros(MAX_ROWS) + 1];
    for (int k = 0; k < sqlByLog2Size.length; k++) {
      sqlByLog2Size[k] =
          head + " " + String.join(", ", Collections.nCopies(1 << k, row)) + " " + tail;
    }
  }

  <T, R> List<R> insert(
      Connection connection, List<T> rows, RowBinder<T> binder, Sql.Row<R> returned)
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
