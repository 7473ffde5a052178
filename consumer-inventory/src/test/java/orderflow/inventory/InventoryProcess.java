package orderflow.inventory;

import java.nio.file.Path;
import java.util.List;
import orderflow.testing.JavaProcess;
import orderflow.testing.TestBroker;

/** {@code consumer-inventory run} as a real process, for tests that kill or freeze it. */
final class InventoryProcess {
  private InventoryProcess() {}

  static JavaProcess start(
      Path logDir, TestBroker broker, String db, int defaultStock, int batchSize, int prefetch)
      throws Exception {
    return JavaProcess.start(
        logDir,
        InventoryCommand.class,
        List.of(
            "run",
            "--uri",
            broker.uriString(),
            "--namespace",
            broker.namespace(),
            "--db",
            db,
            "--default-stock",
            Integer.toString(defaultStock),
            "--batch-size",
            Integer.toString(batchSize),
            "--prefetch",
            Integer.toString(prefetch)));
  }
}
