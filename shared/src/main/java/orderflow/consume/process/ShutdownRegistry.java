package orderflow.consume.process;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a process opened, last opened first, once. Every step runs even if an earlier one
 * fails. This class is thread-safe.
 */
public final class ShutdownRegistry {
  private static final Logger log = LoggerFactory.getLogger(ShutdownRegistry.class);

  private record NamedStep(String name, AutoCloseable step) {}

  private final Deque<NamedStep> steps = new ArrayDeque<>();
  private boolean done;

  public synchronized void register(String name, AutoCloseable step) {
    steps.push(new NamedStep(name, step));
  }

  public synchronized void closeAll() {
    if (done) {
      return;
    }
    done = true;
    while (!steps.isEmpty()) {
      NamedStep entry = steps.pop();
      try {
        entry.step().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("interrupted while closing {}", entry.name());
      } catch (Exception e) {
        log.warn("closing {} failed: {}", entry.name(), e.toString());
      }
    }
  }
}
