package orderflow.dlq;

import java.util.Objects;
import picocli.CommandLine.Command;

/**
 * The {@code dlq} command each consumer service mounts for its own work queue: {@code list}, {@code
 * show EVENT_ID}, {@code replay} and {@code purge}, with filters, {@code --dry-run} and {@code
 * --json}. Mount it with {@code commandLine.addSubcommand("dlq", new DlqCommand("inventory",
 * "consumer-inventory"))}.
 *
 * <p>Without a subcommand it is a usage error (exit 2).
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect, replay and purge this service's dead letters (<queue>.dlq).",
    subcommands = {
      DlqListCommand.class,
      DlqShowCommand.class,
      DlqReplayCommand.class,
      DlqPurgeCommand.class
    })
public final class DlqCommand {
  private final String workQueue;
  private final String processName;

  /**
   * @param workQueue the work queue's base name, e.g. {@code inventory} (its DLQ is {@code
   *     inventory.dlq} in the chosen namespace)
   * @param processName names the connection, e.g. {@code consumer-inventory}
   */
  public DlqCommand(String workQueue, String processName) {
    this.workQueue = Objects.requireNonNull(workQueue, "workQueue");
    this.processName = Objects.requireNonNull(processName, "processName");
  }

  String workQueue() {
    return workQueue;
  }

  String processName() {
    return processName;
  }
}
