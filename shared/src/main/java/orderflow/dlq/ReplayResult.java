package orderflow.dlq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay did, or with {@code dryRun} would do.
 *
 * @param scanned dead letters examined
 * @param replayed republished with a confirm and removed from the DLQ (or would be)
 * @param failed left in the DLQ because the broker did not confirm the republish
 */
public record ReplayResult(
    boolean dryRun, int scanned, List<DeadLetter> replayed, List<Failure> failed) {
  public ReplayResult {
    replayed = List.copyOf(replayed);
    failed = List.copyOf(failed);
  }

  /** A dead letter whose republish was not confirmed, and how the broker answered. */
  public record Failure(DeadLetter letter, String outcome) {}

  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("dryRun", dryRun);
    map.put("scanned", scanned);
    map.put("replayed", replayed.stream().map(letter -> letter.toMap(false)).toList());
    map.put(
        "failed",
        failed.stream()
            .map(
                failure -> {
                  Map<String, Object> entry = failure.letter().toMap(false);
                  entry.put("outcome", failure.outcome());
                  return entry;
                })
            .toList());
    return map;
  }
}
