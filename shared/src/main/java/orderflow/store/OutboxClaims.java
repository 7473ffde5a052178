package orderflow.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import orderflow.publish.ConfirmingPublisher;

/**
 * The outbox rows this process's consumer pipeline is publishing itself, from commit until they are
 * marked sent. The {@link OutboxRelay} leaves claimed rows alone and sweeps only what no pipeline
 * owns: rows a crash, a nack or a closed channel left behind. A confirmed row waits here for its
 * mark, which the pipeline writes in its next transaction.
 *
 * <p>A claim older than {@link #CLAIM_LIMIT} no longer counts: a confirm that never came (a broker
 * that stopped answering) must not keep a row from the relay forever.
 *
 * <p>This class is thread-safe: the pipeline claims and marks, the connection thread confirms or
 * releases, the relay reads.
 */
public final class OutboxClaims {
  static final Duration CLAIM_LIMIT = ConfirmingPublisher.DEFAULT_CONFIRM_TIMEOUT.multipliedBy(2);

  /** Claimed row id to the time of its claim ({@link System#nanoTime()}). */
  private final ConcurrentMap<Long, Long> claimed = new ConcurrentHashMap<>();

  private final Queue<Long> confirmed = new ConcurrentLinkedQueue<>();

  void claim(long id) {
    claimed.put(id, System.nanoTime());
  }

  /** The broker has the row's event: it only needs its mark. */
  void confirmed(long id) {
    confirmed.add(id);
  }

  /** Not confirmed (nack, channel lost): the relay takes it from here. */
  void release(long id) {
    claimed.remove(id);
  }

  boolean isClaimed(long id) {
    Long since = claimed.get(id);
    return since != null && System.nanoTime() - since < CLAIM_LIMIT.toNanos();
  }

  /** Up to {@code max} confirmed rows to mark sent; give them back with {@link #unmarked}. */
  List<Long> takeConfirmed(int max) {
    List<Long> ids = new ArrayList<>();
    Long id;
    while (ids.size() < max && (id = confirmed.poll()) != null) {
      ids.add(id);
    }
    return ids;
  }

  /** The marks of {@code ids} committed: the rows are done. */
  void marked(Collection<Long> ids) {
    claimed.keySet().removeAll(ids);
  }

  /** The transaction with the marks of {@code ids} rolled back: mark them again later. */
  void unmarked(Collection<Long> ids) {
    confirmed.addAll(ids);
  }

  /** True when confirmed rows wait for their mark. */
  boolean marksPending() {
    return !confirmed.isEmpty();
  }

  /** Rows claimed and not yet marked (published, confirmed or waiting for a confirm). */
  public int size() {
    return claimed.size();
  }
}
