package orderflow.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTest {
  @TempDir Path dir;
  private Database database;

  @BeforeEach
  void migrate() throws SQLException {
    database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("test");
  }

  @Test
  void anEventIsNewOnceAndADuplicateAfterwards() throws SQLException {
    UUID eventId = UUID.randomUUID();

    assertTrue(recordAndCommit("inventory", eventId));
    assertFalse(recordAndCommit("inventory", eventId));
  }

  @Test
  void theSameEventIsNewForEachConsumer() throws SQLException {
    UUID eventId = UUID.randomUUID();

    assertTrue(recordAndCommit("inventory", eventId));
    assertTrue(recordAndCommit("shipping", eventId));
  }

  @Test
  void aRolledBackRecordIsForgotten() throws SQLException {
    UUID eventId = UUID.randomUUID();
    try (Connection connection = database.open()) {
      assertTrue(Inbox.record(connection, "inventory", eventId, null).status() == Inbox.Status.NEW);
      connection.rollback();
    }

    assertTrue(recordAndCommit("inventory", eventId));
  }

  private boolean recordAndCommit(String consumer, UUID eventId) throws SQLException {
    try (Connection connection = database.open()) {
      boolean isNew =
          Inbox.record(connection, consumer, eventId, null).status() == Inbox.Status.NEW;
      connection.commit();
      return isNew;
    }
  }

  @Test
  void recordingABatchAnswersAsRecordingOneByOne() throws SQLException {
    BatchedWritesChecks.recordAllAnswersAsRecordingOneByOne(database);
  }
}
