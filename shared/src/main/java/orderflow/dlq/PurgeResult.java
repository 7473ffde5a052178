package orderflow.dlq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a purge removed, or with {@code dryRun} would remove.
 *
 * @param scanned dead letters examined
 */
public record PurgeResult(boolean dryRun, int scanned, List<DeadLetter> purged) {
  public PurgeResult {
    purged = List.copyOf(purged);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("dryRun", dryRun);
    map.put("scanned", scanned);
    map.put("purged", purged.stream().map(letter -> letter.toMap(false)).toList());
    return map;
  }
}
