package orderflow.inventory;

import orderflow.testing.TestDatabases;

/** Reserving stock on PostgreSQL, in a schema of the test's own. */
class ReserveInventoryHandlerPostgresIT extends ReserveInventoryContract {
  @Override
  String databaseUrl() {
    return TestDatabases.freshPostgresSchema();
  }
}
