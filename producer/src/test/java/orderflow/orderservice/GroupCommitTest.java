package orderflow.orderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;
import orderflow.testing.TestBroker;
import orderflow.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent writes share commits on a real SQLite file, and a write that fails takes nothing of
 * the others with it.
 */
class GroupCommitTest {
  @TempDir Path dir;
  private Database database;
  private final List<OutboxEntry> handedOver = new ArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    database = Database.open(TestDatabases.sqlite(dir));
    database.migrate("group");
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void concurrentWritesShareCommitsAndAFailingOneIsUndoneAlone() throws Exception {
    GroupCommit groups = new GroupCommit(database, handedOver::addAll);
    ExecutorService clients = Executors.newFixedThreadPool(32);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int n = 0; n < 400; n++) {
      int value = n;
      answers.add(clients.submit(() -> run(groups, transaction -> write(transaction, value))));
    }
    int failed = 0;
    for (Future<Integer> answer : answers) {
      try {
        answer.get();
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
        failed++;
      }
    }
    clients.shutdown();

    assertEquals(40, failed, "every tenth write fails");
    assertEquals(360, count(), "each other write committed once, nothing of the failed ones");
    assertTrue(groups.commits() < 400, "commits shared: " + groups.commits());
  }

  @Test
  void aGroupWithMoreFailingWritesThanWholeRoundsCallsEachFailingWriteOnceAndCommitsTheRestOnce()
      throws Exception {
    GroupCommit groups = new GroupCommit(database, handedOver::addAll);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch queued = new CountDownLatch(1);
    Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(51);
    // The first write holds the group-commit thread until the 50 others wait: they are one group.
    Future<Integer> first =
        clients.submit(
            () ->
                run(
                    groups,
                    transaction -> {
                      running.countDown();
                      try {
                        queued.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                      }
                      return write(transaction, 1);
                    }));
    running.await();
    List<Future<Integer>> answers = new ArrayList<>();
    for (int n = 100; n < 150; n++) {
      int value = n;
      answers.add(
          clients.submit(
              () ->
                  run(
                      groups,
                      transaction -> {
                        calls.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
                        return write(transaction, value);
                      })));
    }
    TestBroker.await("50 writes waiting", Duration.ofSeconds(10), () -> groups.waiting() == 50);
    queued.countDown();

    assertEquals(1, first.get());
    for (int i = 0; i < answers.size(); i++) {
      int n = 100 + i;
      if (n % 10 == 0) {
        Throwable failure = assertThrows(ExecutionException.class, answers.get(i)::get).getCause();
        assertTrue(failure instanceof IllegalStateException, failure.toString());
        assertEquals(1, calls.get(n).get(), "calls of failing write " + n);
      } else {
        assertEquals(n, answers.get(i).get());
      }
    }
    clients.shutdown();
    assertEquals(46, count(), "the first write and the 45 that did not fail, each once");
  }

  @Test
  void aWriteBeyondTheWaitingLimitIsRefusedAtOnceAndTheOthersCommit() throws Exception {
    GroupCommit groups = new GroupCommit(database, handedOver::addAll);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Integer> first =
        groups.submit(
            transaction -> {
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
              return write(transaction, 1);
            });
    running.await();
    List<CompletableFuture<Integer>> waiting = new ArrayList<>();
    for (int n = 0; n < GroupCommit.MAX_WAITING; n++) {
      int value = 1000 + n * 10 + 1;
      waiting.add(groups.submit(transaction -> write(transaction, value)));
    }

    CompletableFuture<Integer> refused = groups.submit(transaction -> write(transaction, 3));

    assertTrue(refused.isCompletedExceptionally(), "refused without waiting");
    Throwable cause = assertThrows(ExecutionException.class, refused::get).getCause();
    assertTrue(cause instanceof RejectedExecutionException, cause.toString());
    release.countDown();
    assertEquals(1, first.get());
    for (CompletableFuture<Integer> answer : waiting) {
      answer.get();
    }
    assertEquals(1 + GroupCommit.MAX_WAITING, count());
  }

  @Test
  void aFailedWriteReachesItsCaller() {
    GroupCommit groups = new GroupCommit(database, handedOver::addAll);
    assertThrows(
        IllegalStateException.class, () -> run(groups, transaction -> write(transaction, 10)));
  }

  @Test
  void aLoneWriteCommitsAtOnceWithoutWaitingForAGroupToFill() throws Exception {
    GroupCommit groups = new GroupCommit(database, handedOver::addAll);
    long fastest = Long.MAX_VALUE;
    for (int n = 1; n <= 5; n++) {
      int value = n;
      long started = System.nanoTime();
      run(groups, transaction -> write(transaction, value));
      fastest = Math.min(fastest, System.nanoTime() - started);
    }
    // A timer waiting for more writes would hold every one of them for its whole delay.
    assertTrue(
        fastest < Duration.ofMillis(100).toNanos(), "fastest lone write: " + fastest + " ns");
    assertEquals(5, groups.commits());
  }

  private static <T> T run(GroupCommit groups, GroupCommit.Write<T> write) throws Exception {
    try {
      return groups.submit(write).get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Inserts {@code n}, then fails for every tenth after writing, so the write must be undone. */
  private static GroupCommit.Written<Integer> write(Connection transaction, int n)
      throws SQLException {
    try (PreparedStatement insert =
        transaction.prepareStatement("INSERT INTO written (n) VALUES (?)")) {
      insert.setInt(1, n);
      insert.executeUpdate();
    }
    if (n % 10 == 0) {
      throw new IllegalStateException("write " + n + " fails");
    }
    return new GroupCommit.Written<>(n, List.of());
  }

  private long count() throws SQLException {
    try (Connection connection = database.openReadOnly();
        PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM written");
        ResultSet result = select.executeQuery()) {
      result.next();
      return result.getLong(1);
    }
  }
}
