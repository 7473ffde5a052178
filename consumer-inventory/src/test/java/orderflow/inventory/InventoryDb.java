package orderflow.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import orderflow.store.Database;

/** Reads a service's database from a test while the service may be running. */
final class InventoryDb {
  private final Database database;

  InventoryDb(String url) {
    this.database = Database.open(url);
  }

  StockLedger.StockLevel level(String product) throws SQLException {
    try (Connection connection = database.open()) {
      StockLedger.StockLevel level = new StockLedger(connection).level(product).orElseThrow();
      connection.commit();
      return level;
    }
  }

  List<StockLedger.Movement> movements(String product) throws SQLException {
    try (Connection connection = database.open()) {
      List<StockLedger.Movement> movements = new StockLedger(connection).movements(product);
      connection.commit();
      return movements;
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = database.open();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      long count = rows.getLong(1);
      connection.commit();
      return count;
    }
  }
}
