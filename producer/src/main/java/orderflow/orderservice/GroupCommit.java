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
 * Runs concurrent writes in shared transactions ({@link GroupTransaction}): the writes that arrived
 * during one commit form the next group, which never waits to fill. A write that throws undoes only
 * itself; a failed transaction fails every write left in it. Outbox entries go to {@code committed}
 * after the commit, before the callers are answered. Thread-safe; writes run on its one thread.
 */
final class GroupCommit {
  static final int MAX_GROUP = 256;

  /** Writes waiting for a group, at most; one more is refused. */
  static final int MAX_WAITING = 512;

  /** Longer than any write waits for the database (its statement timeout is 30 s). */
  static final Duration WAIT_LIMIT = Duration.ofSeconds(45);

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

    /** With the caller's trace context current: it is the outbox row's traceparent. */
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
   * Completes after the commit, on this class's thread, or fails with what the write threw, with
   * {@link RejectedExecutionException} when the queue is full, or times out after {@link
   * #WAIT_LIMIT}.
   */
  <T> CompletableFuture<T> submit(Write<T> write) {
    Pending<T> pending = new Pending<>(write);
    if (!queue.offer(pending)) {
      return CompletableFuture.failedFuture(
          new RejectedExecutionException(MAX_WAITING + " orders wait for the database already"));
    }
    return pending.done.orTimeout(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  int waiting() {
    return queue.size();
  }

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
