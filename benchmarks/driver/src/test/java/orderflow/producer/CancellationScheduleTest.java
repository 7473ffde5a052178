package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CancellationScheduleTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aRateOfZeroCancelsNothing() {
    CancellationSchedule schedule =
        new CancellationSchedule(0, Duration.ofSeconds(2), new Random(1));

    for (int i = 0; i < 100; i++) {
      assertFalse(schedule.offer("o-" + i, 0));
    }
    assertTrue(schedule.isEmpty());
  }

  @Test
  void aRateOfOneCancelsEveryOrderWithinTheWindowEarliestFirst() {
    CancellationSchedule schedule =
        new CancellationSchedule(1, Duration.ofSeconds(2), new Random(7));
    for (int i = 0; i < 50; i++) {
      assertTrue(schedule.offer("o-" + i, 10 * SECOND));
    }

    assertTrue(schedule.due(10 * SECOND - 1).isEmpty());
    List<String> due = new ArrayList<>();
    long previous = 0;
    while (!schedule.isEmpty()) {
      long next = schedule.nextDueNanos();
      assertTrue(next >= previous && next >= 10 * SECOND && next <= 12 * SECOND, "due " + next);
      previous = next;
      due.addAll(schedule.due(next));
    }
    assertEquals(50, due.size());
    assertEquals(50, due.stream().distinct().count());
  }

  @Test
  void aboutAQuarterOfCancellationsGoAtOnceToRaceTheReservation() {
    CancellationSchedule schedule =
        new CancellationSchedule(1, Duration.ofSeconds(2), new Random(3));
    for (int i = 0; i < 1_000; i++) {
      schedule.offer("o-" + i, 0);
    }

    int immediate = schedule.due(0).size();

    assertTrue(immediate > 200 && immediate < 300, "immediate " + immediate);
    assertEquals(1_000 - immediate, schedule.due(2 * SECOND).size());
  }

  @Test
  void aFractionCancelsAboutThatShareOfOrders() {
    CancellationSchedule schedule = new CancellationSchedule(0.2, Duration.ZERO, new Random(42));
    int cancelled = 0;
    for (int i = 0; i < 10_000; i++) {
      cancelled += schedule.offer("o-" + i, 0) ? 1 : 0;
    }

    assertTrue(cancelled > 1_800 && cancelled < 2_200, "cancelled " + cancelled);
    assertEquals(cancelled, schedule.due(0).size());
  }

  @Test
  void refusesARateOutsideZeroToOne() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CancellationSchedule(1.5, Duration.ZERO, new Random()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CancellationSchedule(Double.NaN, Duration.ZERO, new Random()));
  }
}
