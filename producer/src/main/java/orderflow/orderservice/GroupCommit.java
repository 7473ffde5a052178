package orderflow.orderservice;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import orderflow.consume.engine.GroupTransaction;
import orderflow.store.Database;
import orderflow.store.OutboxEntry;

/**
 * Runs the writes of concurrent requests in shared transactions ({@link GroupTransaction}): the
 * writes that arrived while the previous group was committing form the next, so one commit, one
 * disk sync, serves them all; a write that throws undoes only itself and its caller gets the
 * exception; a group whose transaction fails fails every write left in it. The group never waits to
 * fill: a lone write is committed at once. Outbox entries go to {@code committed} only after the
 * commit, then the callers are answered.
 *
 * <p>This class is thread-safe; the writes run on its one thread ({@code orders-group-commit}).
 */
final class GroupCommit {
  static final int MAX_GROUP = 256;

  /** Writes waiting for a group, at most: one more is refused (a 503). */
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
    final Context caller = Context.current();
    final CompletableFuture<T> done = new CompletableFuture<>();
    Written<T> written;

    Pending(Write<T> write) {
      this.write = write;
    }

    /** Runs the write with the caller's trace context current (an outbox row's traceparent). */
    void apply(Connection transaction) throws SQLException {
      try (Scope scope = caller.makeCurrent()) {
        written = write.apply(transaction);
      }
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
   * Runs {@code write} in the next group: the future completes after the commit, on this class's
   * thread, or fails with what the write threw, a {@link RejectedExecutionException} when {@value
   * #MAX_WAITING} writes wait already, or a {@link java.util.concurrent.TimeoutException} after
   * {@link #WAIT_LIMIT}. The write runs with the caller's trace context current.
   */
  <T> CompletableFuture<T> submit(Write<T> write) {
    Pending<T> pending = new Pending<>(write);
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
      Map<Pending<?>, Exception> failed =
          GroupTransaction.run(
              database, group, (transaction, pending) -> pending.apply(transaction));
      List<OutboxEntry> emitted = new ArrayList<>();
      for (Pending<?> pending : group) {
        if (!failed.containsKey(pending)) {
          emitted.addAll(pending.written.emitted());
        }
      }
      if (failed.size() < group.size()) {
        commits.incrementAndGet();
        committed.accept(emitted);
      }
      for (Pending<?> pending : group) {
        Exception failure = failed.get(pending);
        if (failure == null) {
          pending.complete();
        } else {
          pending.done.completeExceptionally(failure);
        }
      }
      group.clear();
    }
  }
}
