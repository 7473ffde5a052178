package orderflow.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * Refuses to migrate a database whose history the code does not match: an applied migration that
 * was edited (checksum or description), that the code no longer has, that failed, or that a newer
 * version of the code applied. The refusal is one line naming each difference.
 */
final class HistoryCheck {
  private HistoryCheck() {}

  /**
   * @param history Flyway's view: applied and resolved migrations side by side
   * @throws IllegalStateException naming the component, the table and every difference
   */
  static void requireMatching(String component, String table, MigrationInfo[] history) {
    List<String> differences = new ArrayList<>();
    for (MigrationInfo migration : history) {
      difference(migration).ifPresent(differences::add);
    }
    if (!differences.isEmpty()) {
      throw new IllegalStateException(
          "migrations of "
              + component
              + " do not match the database's history ("
              + table
              + "): "
              + String.join("; ", differences));
    }
  }

  private static Optional<String> difference(MigrationInfo migration) {
    MigrationState state = migration.getState();
    String name = "v" + migration.getVersion() + " \"" + migration.getDescription() + "\"";
    String line = null;
    if (state == MigrationState.MISSING_SUCCESS || state == MigrationState.MISSING_FAILED) {
      line = name + " was applied but is missing from the code";
    } else if (state == MigrationState.FUTURE_SUCCESS || state == MigrationState.FUTURE_FAILED) {
      line = name + " was applied by a newer version of the code";
    } else if (state == MigrationState.FAILED) {
      line = name + " failed when it was applied; repair the database by hand";
    } else if (migration.isApplied() && !migration.isChecksumMatching()) {
      line =
          name
              + " was edited after it was applied (checksum "
              + migration.getAppliedChecksum()
              + " applied, "
              + migration.getResolvedChecksum()
              + " in the code)";
    } else if (migration.isApplied() && !migration.isDescriptionMatching()) {
      line =
          "v"
              + migration.getVersion()
              + " was applied as \""
              + migration.getAppliedDescription()
              + "\" but is \""
              + migration.getResolvedDescription()
              + "\" in the code";
    }
    return Optional.ofNullable(line);
  }
}
