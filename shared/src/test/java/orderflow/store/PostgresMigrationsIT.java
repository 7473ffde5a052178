package orderflow.store;

import static orderflow.store.StoreFixtures.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flyway's history on a real PostgreSQL, each test in a fresh schema dropped afterwards. */
class PostgresMigrationsIT {
  private static final Migration CREATE_ITEMS =
      new Migration(1, "items", List.of("CREATE TABLE items (id ${AUTO_ID}, data ${BLOB})"));
  private static final Migration SEED_ITEMS =
      new Migration(2, "seed", List.of("INSERT INTO items (data) VALUES ('\\x01')"));
  private static final Migration INDEX_ITEMS =
      new Migration(3, "index", List.of("CREATE INDEX items_data ON items (data)"));

  private String url;
  private Database database;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @BeforeEach
  void freshSchema() {
    url = TestDatabases.freshPostgresSchema();
    database = Database.open(url);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    threads.shutdownNow();
    TestDatabases.dropPostgresSchema(url);
    database.close();
  }

  @Test
  void anEditedMigrationStopsTheStartWithOneLineNamingComponentVersionAndChecksums()
      throws SQLException {
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));
    Migration edited = new Migration(2, "seed", List.of("INSERT INTO items (data) VALUES (NULL)"));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, edited, INDEX_ITEMS)));

    assertEquals(
        MigrationHistories.editedRefusal("items", SEED_ITEMS, edited), refusal.getMessage());
    assertEquals(List.of("items:1", "items:2"), MigrationHistories.applied(database, "items"));
  }

  @Test
  void aMigrationMissingFromTheCodeStopsTheStart() throws SQLException {
    database.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS));

    IllegalStateException refusal =
        assertThrows(
            IllegalStateException.class,
            () -> database.migrate("items", List.of(CREATE_ITEMS, INDEX_ITEMS)));

    assertEquals(
        "migrations of items do not match the database's history (flyway_history_items):"
            + " v2 \"seed\" was applied but is missing from the code",
        refusal.getMessage());
  }

  @Test
  void twoProcessesTakingOverAnOldDatabaseAtOnceRunNothingAgainAndTheNewMigrationOnce()
      throws Exception {
    MigrationHistories.writeAsTheOldMigrator(database, "items", List.of(CREATE_ITEMS, SEED_ITEMS));
    CyclicBarrier start = new CyclicBarrier(2);
    Callable<Void> migrate =
        () -> {
          try (Database own = Database.open(url)) {
            start.await(10, TimeUnit.SECONDS);
            own.migrate("items", List.of(CREATE_ITEMS, SEED_ITEMS, INDEX_ITEMS));
          }
          return null;
        };
    Future<Void> first = threads.submit(migrate);
    Future<Void> second = threads.submit(migrate);
    first.get(60, TimeUnit.SECONDS);
    second.get(60, TimeUnit.SECONDS);

    assertEquals(
        MigrationHistories.migratedByThisCode(
            "items", List.of(CREATE_ITEMS, SEED_ITEMS, INDEX_ITEMS)),
        MigrationHistories.applied(database, "runtime", "items"));
    try (Connection connection = database.open()) {
      assertEquals(List.of("1"), strings(connection, "SELECT COUNT(*) FROM items"));
      assertEquals(
          List.of("items_data"),
          strings(connection, "SELECT indexname FROM pg_indexes WHERE indexname = 'items_data'"));
      assertEquals(
          Stream.concat(
                  MigrationHistories.versions("items", List.of(CREATE_ITEMS, SEED_ITEMS)).stream(),
                  MigrationHistories.versions(RuntimeSchema.COMPONENT, RuntimeSchema.MIGRATIONS)
                      .stream())
              .toList(),
          strings(
              connection,
              "SELECT component || ':' || version FROM schema_migrations"
                  + " ORDER BY component, version"));
    }
  }
}
