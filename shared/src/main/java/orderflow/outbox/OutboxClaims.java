package orderflow.outbox;

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

  /** How long a marked row still counts as claimed (see {@link #marked}). */
  static final Duration MARKED_GRACE = Duration.ofSeconds(10);

  private final ConcurrentMap<Long, Long> recentlyMarked = new ConcurrentHashMap<>();
  private final Queue<long[]> marks = new ConcurrentLinkedQueue<>();

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
    long now = System.nanoTime();
    Long since = claimed.get(id);
    if (since != null && now - since < CLAIM_LIMIT.toNanos()) {
      return true;
    }
    Long markedAt = recentlyMarked.get(id);
    return markedAt != null && now - markedAt < MARKED_GRACE.toNanos();
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

  /**
   * The marks of {@code ids} committed: the rows are done. They still count as claimed for {@link
   * #MARKED_GRACE}: a relay that read them as unsent just before the mark committed, and checks its
   * claims just after, must not publish them again.
   */
  void marked(Collection<Long> ids) {
    long now = System.nanoTime();
    for (Long id : ids) {
      recentlyMarked.put(id, now);
      marks.add(new long[] {id, now});
      claimed.remove(id);
    }
    forgetOldMarks(now);
  }

  private void forgetOldMarks(long now) {
    long[] oldest;
    while ((oldest = marks.peek()) != null && now - oldest[1] > MARKED_GRACE.toNanos()) {
      marks.poll();
      recentlyMarked.remove(oldest[0], oldest[1]);
    }
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
