package orderflow.consume.engine;

import java.util.random.RandomGenerator;
import orderflow.consume.TransientFailureException;

/** Makes a fraction of handler calls fail transiently ({@code --inject-failures}). */
final class FailureInjector {
  private final double rate;
  private final RandomGenerator random;

  FailureInjector(double rate, RandomGenerator random) {
    this.rate = rate;
    this.random = random;
  }

  void maybeFail() {
    if (rate > 0 && random.nextDouble() < rate) {
      throw new TransientFailureException("injected failure (--inject-failures " + rate + ")");
    }
  }
}
