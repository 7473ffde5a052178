package orderflow.inventory;

import java.nio.file.Path;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

/** Reserving stock on a SQLite file, as the service does by default. */
class ReserveInventoryHandlerTest extends ReserveInventoryContract {
  @TempDir Path directory;

  @Override
  String databaseUrl() {
    return TestDatabases.sqlite(directory);
  }
}
