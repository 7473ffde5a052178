package orderflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One container of a rendered workload (Deployment or Job) with its pod spec, and where a file it
 * is told to read comes from.
 */
record PodContainer(JsonNode workload, JsonNode podSpec, JsonNode container) {
  /** A Secret's (or ConfigMap's) key mounted as a file. */
  record MountedKey(String name, String key) {}

  static List<PodContainer> in(RenderedOverlay rendered) {
    List<PodContainer> containers = new ArrayList<>();
    for (String kind : List.of("Deployment", "Job")) {
      for (JsonNode workload : rendered.ofKind(kind)) {
        JsonNode podSpec = workload.at("/spec/template/spec");
        podSpec
            .path("containers")
            .forEach(c -> containers.add(new PodContainer(workload, podSpec, c)));
      }
    }
    return containers;
  }

  String describe() {
    return RenderedOverlay.describe(workload) + " container " + container.path("name").asText();
  }

  List<String> args() {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** The value after {@code flag} in the args. */
  Optional<String> argument(String flag) {
    List<String> args = args();
    int at = args.indexOf(flag);
    return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
  }

  Optional<String> env(String name) {
    for (JsonNode variable : container.path("env")) {
      if (variable.path("name").asText().equals(name)) {
        return Optional.of(variable.path("value").asText());
      }
    }
    return Optional.empty();
  }

  /** The Secret key that is the file at {@code path}, if a secret volume mounts it there. */
  Optional<MountedKey> secretFile(String path) {
    return mountedKey(path, "secret", "secretName");
  }

  /** The ConfigMap key that is the file at {@code path}, if a configMap volume mounts it there. */
  Optional<MountedKey> configMapFile(String path) {
    return mountedKey(path, "configMap", "name");
  }

  /** The container port named {@code nameOrNumber}, or with that number. */
  Optional<JsonNode> containerPort(String nameOrNumber) {
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals(nameOrNumber)
          || port.path("containerPort").asText().equals(nameOrNumber)) {
        return Optional.of(port);
      }
    }
    return Optional.empty();
  }

  private Optional<MountedKey> mountedKey(String path, String source, String nameField) {
    for (JsonNode mount : container.path("volumeMounts")) {
      String directory = mount.path("mountPath").asText();
      if (!path.startsWith(directory + "/")) {
        continue;
      }
      String file = path.substring(directory.length() + 1);
      JsonNode volume = volume(mount.path("name").asText()).path(source);
      for (JsonNode item : volume.path("items")) {
        if (item.path("path").asText().equals(file)) {
          return Optional.of(
              new MountedKey(volume.path(nameField).asText(), item.path("key").asText()));
        }
      }
    }
    return Optional.empty();
  }

  private JsonNode volume(String name) {
    for (JsonNode volume : podSpec.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    return MissingNode.getInstance();
  }
}
