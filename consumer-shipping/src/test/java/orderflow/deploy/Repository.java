package orderflow.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, found from the module directory the test runs in. */
final class Repository {
  private Repository() {}

  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("deploy/ not found above " + Path.of("").toAbsolutePath());
  }
}
