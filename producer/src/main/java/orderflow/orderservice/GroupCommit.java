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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * Runs the writes of concurrent requests in shared transactions, each write in a savepoint of its
 * own: one commit, one disk sync, for every request that arrived while the previous group was
 * committing. A write that throws is rolled back to its savepoint alone and its caller gets the
 * exception; a commit that fails fails every write of its group. Outbox entries go to {@code
 * committed} only after the commit.
 *
 * <p>This class is thread-safe; the writes run on its one thread ({@code orders-group-commit}).
 */
final class GroupCommit {
  static final int MAX_GROUP = 256;

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
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
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
    Context caller = Context.current();
    Pending<T> pending =
        new Pending<>(
            transaction -> {
              try (Scope scope = caller.makeCurrent()) {
                return write.apply(transaction);
              }
            });
    queue.add(pending);
    try {
      return pending.done.get(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
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
    List<Pending<?>> applied = new ArrayList<>(group.size());
    try (Connection transaction = database.open()) {
      try {
        for (Pending<?> pending : group) {
          apply(transaction, pending, applied);
        }
        transaction.commit();
        commits.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        transaction.rollback();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      for (Pending<?> pending : group) {
        pending.done.completeExceptionally(e);
      }
      return;
    }
    List<OutboxEntry> emitted = new ArrayList<>();
    for (Pending<?> pending : applied) {
      emitted.addAll(pending.written.emitted());
    }
    committed.accept(emitted);
    for (Pending<?> pending : applied) {
      pending.complete();
    }
  }

  private static <T> void apply(
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
