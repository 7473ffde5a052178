package orderflow.orderservice;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * Runs the writes of concurrent requests in shared transactions: one commit, one disk sync, for
 * every request that arrived while the previous group was committing. A write that throws undoes
 * only itself and its caller gets the exception; a commit that fails fails every write of its
 * group. Outbox entries go to {@code committed} only after the commit.
 *
 * <p>A group is first run whole, without savepoints (on SQLite a savepoint makes every page the
 * writes after it touch go to a sub-journal file as well). When a write throws, the transaction is
 * rolled back, that write's caller gets the exception, and the group runs again without it: the
 * writes before it see what they saw, so each write's result is what it would have been in a
 * savepoint of its own. After {@value #WHOLE_GROUP_ROUNDS} such rounds the rest runs with one
 * savepoint per write, so a group with many failing writes is not run many times.
 *
 * <p>This class is thread-safe; the writes run on its one thread ({@code orders-group-commit}).
 */
final class GroupCommit {
  static final int MAX_GROUP = 256;

  /** Whole-group attempts, each without the write that failed before, before savepoints. */
  static final int WHOLE_GROUP_ROUNDS = 3;

  /**
   * Writes waiting for a group, at most, as the API pool's queue ({@code HttpLimits}): one more is
   * refused with a {@link RejectedExecutionException} (a 503).
   */
  static final int MAX_WAITING = 512;

  /** Longer than any write waits for the database (its statement timeout is 30 s). */
  static final Duration WAIT_LIMIT = Duration.ofSeconds(45);

  /** What a write answers, and the outbox entries it added. */
  record Written<T>(T result, List<OutboxEntry> emitted) {}

  /** One request's writes; must neither commit nor roll back. */
  interface Write<T> {
    Written<T> apply(Connection transaction) throws SQLException;
  }

  private static final class Pending<T> {
    final Write<T> write;
    final CompletableFuture<T> done = new CompletableFuture<>();
    Written<T> written;

    Pending(Write<T> write) {
      this.write = write;
    }

    void complete() {
      done.complete(written.result());
    }
  }

  private final Database database;
  private final Consumer<List<OutboxEntry>> committed;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>(MAX_WAITING);
  private final AtomicLong commits = new AtomicLong();

  GroupCommit(Database database, Consumer<List<OutboxEntry>> committed) {
    this.database = database;
    this.committed = committed;
    Thread thread = new Thread(this::run, "orders-group-commit");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code write} in the next group and waits for its commit. The write runs with the caller's
   * trace context current, so what it stores (an outbox row's traceparent) continues the request.
   */
  <T> T run(Write<T> write) throws SQLException {
    CompletableFuture<T> done = submit(write);
    try {
      return done.get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new SQLException(e.getCause());
    } catch (TimeoutException e) {
      throw new SQLException("no commit within " + WAIT_LIMIT, "57014", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted waiting for the commit", e);
    }
  }

  /**
   * Runs {@code write} in the next group without waiting: the future completes after the commit, on
   * this class's thread, or fails with what the write threw, a {@link RejectedExecutionException}
   * when {@value #MAX_WAITING} writes wait already, or a {@link TimeoutException} after {@link
   * #WAIT_LIMIT}. The write runs with the caller's trace context current.
   */
  <T> CompletableFuture<T> submit(Write<T> write) {
    Context caller = Context.current();
    Pending<T> pending =
        new Pending<>(
            transaction -> {
              try (Scope scope = caller.makeCurrent()) {
                return write.apply(transaction);
              }
            });
    if (!queue.offer(pending)) {
      return CompletableFuture.failedFuture(
          new RejectedExecutionException(MAX_WAITING + " orders wait for the database already"));
    }
    return pending.done.orTimeout(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Writes waiting for the next group, for tests. */
  int waiting() {
    return queue.size();
  }

  /** Transactions committed, for tests and metrics. */
  long commits() {
    return commits.get();
  }

  private void run() {
    List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      commit(group);
      group.clear();
    }
  }

  private void commit(List<Pending<?>> group) {
    List<Pending<?>> pending = new ArrayList<>(group);
    for (int round = 1; round <= WHOLE_GROUP_ROUNDS; round++) {
      boolean committedWhole;
      try {
        committedWhole = commitWhole(pending);
      } catch (SQLException | RuntimeException e) {
        fail(pending, e);
        return;
      }
      if (committedWhole) {
        handOver(pending);
        return;
      }
      if (pending.isEmpty()) {
        return;
      }
    }
    commitEachInSavepoint(pending);
  }

  /**
   * Runs {@code group} in one transaction without savepoints and commits it.
   *
   * @return true when committed; false when a write threw: nothing was committed, and that write
   *     was completed with its exception and taken out of {@code group}
   * @throws SQLException when the transaction failed (begin, rollback or commit)
   */
  private boolean commitWhole(List<Pending<?>> group) throws SQLException {
    try (Connection transaction = database.open()) {
      try {
        for (int i = 0; i < group.size(); i++) {
          Pending<?> pending = group.get(i);
          try {
            apply(transaction, pending);
          } catch (SQLException | RuntimeException e) {
            transaction.rollback();
            group.remove(i);
            pending.done.completeExceptionally(e);
            return false;
          }
        }
        transaction.commit();
        commits.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        transaction.rollback();
        throw e;
      }
    }
    return true;
  }

  private static void fail(List<Pending<?>> group, Exception e) {
    for (Pending<?> pending : group) {
      pending.done.completeExceptionally(e);
    }
  }

  private static <T> void apply(Connection transaction, Pending<T> pending) throws SQLException {
    pending.written = pending.write.apply(transaction);
  }

  private void commitEachInSavepoint(List<Pending<?>> group) {
    List<Pending<?>> applied = new ArrayList<>(group.size());
    try (Connection transaction = database.open()) {
      try {
        for (Pending<?> pending : group) {
          applyInSavepoint(transaction, pending, applied);
        }
        transaction.commit();
        commits.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        transaction.rollback();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      fail(group, e);
      return;
    }
    handOver(applied);
  }

  /** After the commit: the outbox entries to the publisher, then the answers to the callers. */
  private void handOver(List<Pending<?>> applied) {
    List<OutboxEntry> emitted = new ArrayList<>();
    for (Pending<?> pending : applied) {
      emitted.addAll(pending.written.emitted());
    }
    committed.accept(emitted);
    for (Pending<?> pending : applied) {
      pending.complete();
    }
  }

  private static <T> void applyInSavepoint(
      Connection transaction, Pending<T> pending, List<Pending<?>> applied) throws SQLException {
    Savepoint savepoint = transaction.setSavepoint();
    try {
      pending.written = pending.write.apply(transaction);
      transaction.releaseSavepoint(savepoint);
      applied.add(pending);
    } catch (SQLException | RuntimeException e) {
      transaction.rollback(savepoint);
      pending.done.completeExceptionally(e);
    }
  }
}
