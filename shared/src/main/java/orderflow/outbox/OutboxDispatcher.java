package orderflow.outbox;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import orderflow.publish.PublishOutcome;
import orderflow.store.OutboxEntry;
import orderflow.store.OutboxRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox entries of a committed transaction right away, from the pipeline that
 * committed them, instead of leaving them for the relay's next poll. The entries are claimed at
 * once (so the {@link OutboxRelay} leaves them alone) and handed to a publishing thread of their
 * own ({@code <name>-outbox-dispatch}), so the pipeline applies its next batch while the broker
 * takes this one; at most {@value #QUEUED_BATCHES} batches wait, after which {@link #dispatch}
 * blocks. Each confirmed (or unroutable) row is marked sent in the pipeline's next transaction
 * ({@link #markConfirmed}), so marking costs no transaction of its own. A row that is nacked,
 * unconfirmed or not published (closed channel) is released to the relay. After a crash anywhere in
 * between, the rows are unsent and unclaimed: the relay publishes them again and the consumers'
 * inboxes absorb the repeats.
 *
 * <p>This class is thread-safe.
 */
public final class OutboxDispatcher implements AutoCloseable {
  static final int QUEUED_BATCHES = 4;
  private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

  private final RelayChannel channel;
  private final OutboxClaims claims;
  private final BlockingQueue<List<OutboxEntry>> queued = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private final Object settledLock = new Object();
  private final Thread thread;
  private int unsettled;
  private volatile boolean closed;

  /**
   * @param window publishes awaiting a confirm before the publishing thread waits
   * @param name thread name prefix, e.g. {@code inventory}
   */
  public OutboxDispatcher(
      com.rabbitmq.client.Connection connection, OutboxClaims claims, int window, String name) {
    this.channel = new RelayChannel(connection, window);
    this.claims = claims;
    this.thread = new Thread(this::run, name + "-outbox-dispatch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Claims entries written in a transaction that has not committed yet, so that the relay, which
   * reads only committed rows, never finds them unclaimed; {@link #release} them if it rolls back.
   */
  public void claim(List<OutboxEntry> entries) {
    for (OutboxEntry entry : entries) {
      claims.claim(entry.id());
    }
  }

  /** Gives up the claims of entries whose transaction rolled back (their rows do not exist). */
  public void release(List<OutboxEntry> entries) {
    for (OutboxEntry entry : entries) {
      claims.release(entry.id());
    }
  }

  /**
   * Claims and queues entries whose transaction committed; blocks only while {@value
   * #QUEUED_BATCHES} batches already wait.
   */
  public void dispatch(List<OutboxEntry> entries) throws InterruptedException {
    if (entries.isEmpty()) {
      return;
    }
    for (OutboxEntry entry : entries) {
      claims.claim(entry.id());
    }
    synchronized (settledLock) {
      unsettled += entries.size();
    }
    if (closed) {
      release(entries, "the dispatcher is closed");
      return;
    }
    queued.put(List.copyOf(entries));
  }

  private void run() {
    try {
      while (!closed || !queued.isEmpty()) {
        List<OutboxEntry> entries = queued.poll(100, TimeUnit.MILLISECONDS);
        if (entries != null) {
          publish(entries);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      List<OutboxEntry> left;
      while ((left = queued.poll()) != null) {
        release(left, "the dispatcher stopped");
      }
      channel.close();
    }
  }

  private void publish(List<OutboxEntry> entries) throws InterruptedException {
    for (int i = 0; i < entries.size(); i++) {
      OutboxEntry entry = entries.get(i);
      try {
        CompletableFuture<PublishOutcome> answer =
            channel.publisher().publisher().publish(entry.message());
        answer.whenComplete((outcome, error) -> settle(entry.id(), outcome));
      } catch (IOException | ShutdownSignalException | IllegalStateException e) {
        release(entries.subList(i, entries.size()), e.toString());
        channel.close();
        return;
      }
    }
  }

  private void release(List<OutboxEntry> entries, String why) {
    log.warn(
        "cannot publish {} committed events now ({}); the outbox relay sends them",
        entries.size(),
        why);
    for (OutboxEntry entry : entries) {
      claims.release(entry.id());
    }
    synchronized (settledLock) {
      unsettled -= entries.size();
      settledLock.notifyAll();
    }
  }

  private void settle(long id, PublishOutcome outcome) {
    if (outcome == PublishOutcome.CONFIRMED || outcome == PublishOutcome.RETURNED) {
      claims.confirmed(id);
    } else {
      claims.release(id);
    }
    synchronized (settledLock) {
      unsettled--;
      settledLock.notifyAll();
    }
  }

  /**
   * Marks confirmed rows sent inside the caller's transaction.
   *
   * @return the ids marked: pass them to {@link #marksCommitted} or {@link #marksRolledBack}
   */
  public List<Long> markConfirmed(Connection transaction, int max) throws SQLException {
    List<Long> ids = claims.takeConfirmed(max);
    try {
      OutboxRows.markSent(transaction, ids, System.currentTimeMillis());
      return ids;
    } catch (SQLException | RuntimeException e) {
      claims.unmarked(ids);
      throw e;
    }
  }

  public void marksCommitted(List<Long> ids) {
    claims.marked(ids);
  }

  public void marksRolledBack(List<Long> ids) {
    claims.unmarked(ids);
  }

  /** True when confirmed rows wait for their mark. */
  public boolean marksPending() {
    return claims.marksPending();
  }

  /**
   * Waits until every dispatched entry has its answer (or was released); false if {@code timeout}
   * passed first.
   */
  public boolean awaitSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (settledLock) {
      while (unsettled > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(settledLock, left);
      }
    }
    return true;
  }

  /** Publishes what is queued, then stops the publishing thread and closes its channel. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(OutboxRelay.CLOSE_GRACE.toMillis());
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(OutboxRelay.CLOSE_GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
  }
}
