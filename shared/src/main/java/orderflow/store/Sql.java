package orderflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One parameterised statement on the caller's connection, inside the caller's transaction. */
public final class Sql {
  private Sql() {}

  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet row) throws SQLException;
  }

  public static int update(Connection connection, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, args)) {
      return statement.executeUpdate();
    }
  }

  public static <T> List<T> query(Connection connection, String sql, Row<T> row, Object... args)
      throws SQLException {
    List<T> result = new ArrayList<>();
    try (PreparedStatement statement = prepare(connection, sql, args);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        result.add(row.read(rows));
      }
    }
    return result;
  }

  public static <T> Optional<T> first(Connection connection, String sql, Row<T> row, Object... args)
      throws SQLException {
    return query(connection, sql, row, args).stream().findFirst();
  }

  /** The statement with {@code args} bound in order; the caller closes it. */
  public static PreparedStatement prepare(Connection connection, String sql, Object... args)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i]);
    }
    return statement;
  }
}
