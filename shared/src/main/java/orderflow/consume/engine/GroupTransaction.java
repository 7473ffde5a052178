package orderflow.consume.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import orderflow.store.Database;

/**
 * Runs a group of items in one database transaction, so one commit (one disk sync) serves them all,
 * while a failing item undoes only itself. The group first runs whole, without savepoints (on
 * SQLite a savepoint sends every page touched after it to a sub-journal too). When an item throws,
 * the transaction rolls back, the item is taken out with its failure, and the rest runs again, so
 * each item sees what it would have seen alone. After {@value #WHOLE_ROUNDS} such rounds, or when
 * the transaction fails as a whole, the rest runs with one savepoint per item; if that transaction
 * fails too, every item left fails with its cause. Nothing of a rolled-back attempt is committed,
 * so no item is applied twice, and the caller acts on the result only after the commit.
 *
 * <p>Used by the consumers' batches ({@link BatchApplier}) and the order API's group commit.
 * Stateless; the items and the work are confined to the calling thread.
 */
public final class GroupTransaction {
  /** Whole-group attempts, each without the items that failed before, before savepoints. */
  public static final int WHOLE_ROUNDS = 3;

  private GroupTransaction() {}

  /** What the items of a group do in the shared transaction; must neither commit nor roll back. */
  public interface Work<I> {
    /** Runs first in each attempt, with its items; throwing fails the attempt as a whole. */
    default void begin(Connection transaction, List<I> items, boolean savepointEach)
        throws SQLException {}

    /** One item's writes; throwing undoes them and fails this item alone. */
    void apply(Connection transaction, I item) throws Exception;

    /** Runs last in each attempt, before the commit, with the items that applied. */
    default void end(Connection transaction, List<I> applied) throws SQLException {}
  }

  /** The failure of each item that failed; every other item was committed. */
  public static <I> Map<I, Exception> run(Database database, List<I> items, Work<I> work) {
    Map<I, Exception> failed = new IdentityHashMap<>();
    List<I> pending = new ArrayList<>(items);
    boolean savepointEach = false;
    for (int round = 1; !pending.isEmpty(); round++) {
      savepointEach |= round > WHOLE_ROUNDS;
      try {
        attempt(database, pending, work, savepointEach, failed);
        return failed;
      } catch (ItemFailed e) {
        failed.put(pending.remove(e.index), (Exception) e.getCause());
      } catch (SQLException | RuntimeException e) {
        if (savepointEach) {
          for (I item : pending) {
            failed.putIfAbsent(item, e);
          }
          return failed;
        }
        savepointEach = true;
      }
    }
    return failed;
  }

  private static <I> void attempt(
      Database database,
      List<I> pending,
      Work<I> work,
      boolean savepointEach,
      Map<I, Exception> failed)
      throws SQLException, ItemFailed {
    // The connection goes back after each attempt: a lent SQLite connection holds the write lock.
    try (Connection transaction = database.open()) {
      try {
        work.begin(transaction, pending, savepointEach);
        List<I> applied = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
          Savepoint savepoint = savepointEach ? transaction.setSavepoint() : null;
          try {
            work.apply(transaction, pending.get(i));
          } catch (Exception e) {
            if (savepoint == null) {
              throw new ItemFailed(i, e);
            }
            transaction.rollback(savepoint);
            failed.put(pending.get(i), e);
            continue;
          }
          if (savepoint != null) {
            transaction.releaseSavepoint(savepoint);
          }
          applied.add(pending.get(i));
        }
        work.end(transaction, applied);
        transaction.commit();
      } catch (ItemFailed | SQLException | RuntimeException e) {
        try {
          transaction.rollback();
        } catch (SQLException broken) {
          e.addSuppressed(broken); // closing a broken connection discards the transaction
        }
        throw e;
      }
    }
  }

  /** A whole-group attempt stopped at item {@code index}; nothing was committed. */
  private static final class ItemFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final int index;

    ItemFailed(int index, Exception cause) {
      super(cause);
      this.index = index;
    }
  }
}
