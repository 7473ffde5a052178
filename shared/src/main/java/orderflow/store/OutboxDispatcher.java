package orderflow.store;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import orderflow.publish.PublishOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox entries of a committed transaction right away, from the pipeline that
 * committed them, instead of leaving them for the relay's next poll. Publishing returns before the
 * broker confirms; each confirmed (or unroutable) row is marked sent in the pipeline's next
 * transaction ({@link #markConfirmed}), so marking costs no transaction of its own. A row that is
 * nacked, unconfirmed or not published (closed channel) is released to the {@link OutboxRelay}.
 * After a crash anywhere in between, the rows are unsent and unclaimed: the relay publishes them
 * again and the consumers' inboxes absorb the repeats.
 *
 * <p>Confined to the pipeline's thread, except that confirms arrive on the connection's thread.
 */
public final class OutboxDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

  private final RelayChannel channel;
  private final OutboxClaims claims;
  private final Object settledLock = new Object();
  private int unsettled;

  /**
   * @param window publishes awaiting a confirm before {@link #dispatch} blocks
   */
  public OutboxDispatcher(
      com.rabbitmq.client.Connection connection, OutboxClaims claims, int window) {
    this.channel = new RelayChannel(connection, window);
    this.claims = claims;
  }

  /** Publishes entries whose transaction committed. Blocks only while the window is full. */
  public void dispatch(List<OutboxEntry> entries) throws InterruptedException {
    for (int i = 0; i < entries.size(); i++) {
      OutboxEntry entry = entries.get(i);
      claims.claim(entry.id());
      synchronized (settledLock) {
        unsettled++;
      }
      try {
        CompletableFuture<PublishOutcome> answer =
            channel.publisher().publisher().publish(entry.message());
        answer.whenComplete((outcome, error) -> settle(entry.id(), outcome));
      } catch (IOException | ShutdownSignalException e) {
        synchronized (settledLock) {
          unsettled--;
        }
        log.warn(
            "cannot publish {} committed events now ({}); the outbox relay sends them",
            entries.size() - i,
            e.toString());
        for (OutboxEntry left : entries.subList(i, entries.size())) {
          claims.release(left.id());
        }
        channel.close();
        return;
      }
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

  /** Waits until every publish has its answer; false if {@code timeout} passed first. */
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

  @Override
  public void close() {
    channel.close();
  }
}
