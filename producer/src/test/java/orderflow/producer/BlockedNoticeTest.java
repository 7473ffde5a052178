package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BlockedNoticeTest {
  private static final long SECOND = 1_000_000_000L;
  private final StringWriter err = new StringWriter();
  private final AtomicLong clock = new AtomicLong(100 * SECOND);
  private final BlockedNotice notice = new BlockedNotice(new PrintWriter(err), clock::get, false);

  @Test
  void saysOnceWhenBlockedWithTheReasonAndOnceWhenUnblockedWithTheTime() throws Exception {
    notice.handleBlocked("low on memory");
    clock.addAndGet(2 * SECOND);
    notice.handleBlocked("low on disk"); // same block: no second line
    clock.addAndGet(SECOND / 2);
    assertTrue(notice.blocked());
    notice.handleUnblocked();
    assertFalse(notice.blocked());

    assertEquals(
        "producer: the broker has blocked publishing (low on memory); waiting until it unblocks"
            + System.lineSeparator()
            + "producer: the broker has unblocked publishing after 2.5 s"
            + System.lineSeparator(),
        err.toString());
    assertEquals(2.5, notice.blockedSeconds(), 1e-9);
    assertEquals(1, notice.blocks());
  }

  @Test
  void countsEveryBlockAndOneStillInProgress() throws Exception {
    notice.handleBlocked("low on memory");
    clock.addAndGet(SECOND);
    notice.handleUnblocked();
    clock.addAndGet(10 * SECOND);
    notice.handleBlocked("low on memory");
    clock.addAndGet(3 * SECOND);

    assertEquals(4.0, notice.blockedSeconds(), 1e-9);
    assertEquals(2, notice.blocks());
  }

  @Test
  void anUnblockWithoutABlockSaysNothing() throws Exception {
    notice.handleUnblocked();

    assertEquals("", err.toString());
    assertEquals(0.0, notice.blockedSeconds());
  }

  @Test
  void escapesAReasonThatCouldForgeALineAndNamesAMissingOne() throws Exception {
    notice.handleBlocked("low\nproducer: all is well");
    notice.handleUnblocked();
    notice.handleBlocked("");

    String[] lines = err.toString().split(System.lineSeparator());
    assertEquals(3, lines.length, err.toString());
    assertEquals(
        "producer: the broker has blocked publishing (no reason given); waiting until it unblocks",
        lines[2]);
  }

  @Test
  void startsALineOfItsOwnOverAProgressLine() throws Exception {
    BlockedNotice overProgress = new BlockedNotice(new PrintWriter(err), clock::get, true);

    overProgress.handleBlocked("low on memory");

    assertEquals(
        System.lineSeparator()
            + "producer: the broker has blocked publishing (low on memory); waiting until it"
            + " unblocks"
            + System.lineSeparator(),
        err.toString());
  }
}
