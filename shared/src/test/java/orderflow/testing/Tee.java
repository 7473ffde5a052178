package orderflow.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/** Writes to the console and to a captured log alike, for tests that read what was logged. */
public final class Tee extends OutputStream {
  private final PrintStream console;
  private final ByteArrayOutputStream captured;

  public Tee(PrintStream console, ByteArrayOutputStream captured) {
    this.console = console;
    this.captured = captured;
  }

  @Override
  public void write(int b) {
    console.write(b);
    synchronized (captured) {
      captured.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    console.write(b, off, len);
    synchronized (captured) {
      captured.write(b, off, len);
    }
  }
}
