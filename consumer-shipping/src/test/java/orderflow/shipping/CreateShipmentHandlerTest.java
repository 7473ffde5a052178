package orderflow.shipping;

import java.nio.file.Path;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;

/** {@link ShipmentHandlerContract} on a SQLite file. */
class CreateShipmentHandlerTest extends ShipmentHandlerContract {
  @TempDir Path dir;
  private String url;

  @Override
  String databaseUrl() {
    if (url == null) {
      url = TestDatabases.sqlite(dir);
    }
    return url;
  }
}
