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
  /** A Secret's key mounted as a file. */
  record SecretFile(String secretName, String key) {}

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

  /** The port number of the container port named {@code name}. */
  Optional<Integer> port(String name) {
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals(name)) {
        return Optional.of(port.path("containerPort").asInt());
      }
    }
    return Optional.empty();
  }

  /** The Secret key that is the file at {@code path}, if a secret volume mounts it there. */
  Optional<SecretFile> secretFile(String path) {
    for (JsonNode mount : container.path("volumeMounts")) {
      String directory = mount.path("mountPath").asText();
      if (!path.startsWith(directory + "/")) {
        continue;
      }
      String file = path.substring(directory.length() + 1);
      JsonNode secret = volume(mount.path("name").asText()).path("secret");
      for (JsonNode item : secret.path("items")) {
        if (item.path("path").asText().equals(file)) {
          return Optional.of(
              new SecretFile(secret.path("secretName").asText(), item.path("key").asText()));
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
