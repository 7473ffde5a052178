package orderflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every Secret a rendered overlay names, with the keys read from it: secret volumes (their items),
 * KEDA's TriggerAuthentication, the Messaging Topology Operator's User (importCredentialsSecret:
 * username, password) and CloudNativePG's managed roles (passwordSecret: username, password).
 */
final class SecretReferences {
  private static final Set<String> CREDENTIALS = Set.of("username", "password");

  private SecretReferences() {}

  static Map<String, Set<String>> in(RenderedOverlay rendered) {
    Map<String, Set<String>> keys = new TreeMap<>();
    for (PodContainer container : PodContainer.in(rendered)) {
      for (JsonNode volume : container.podSpec().path("volumes")) {
        JsonNode secret = volume.path("secret");
        secret
            .path("items")
            .forEach(
                item -> add(keys, secret.path("secretName").asText(), item.path("key").asText()));
      }
    }
    for (JsonNode auth : rendered.ofKind("TriggerAuthentication")) {
      auth.at("/spec/secretTargetRef")
          .forEach(ref -> add(keys, ref.path("name").asText(), ref.path("key").asText()));
    }
    for (JsonNode user : rendered.ofKind("User")) {
      CREDENTIALS.forEach(
          key -> add(keys, user.at("/spec/importCredentialsSecret/name").asText(), key));
    }
    for (JsonNode cluster : rendered.ofKind("Cluster")) {
      for (JsonNode role : cluster.at("/spec/managed/roles")) {
        CREDENTIALS.forEach(key -> add(keys, role.at("/passwordSecret/name").asText(), key));
      }
    }
    return keys;
  }

  private static void add(Map<String, Set<String>> keys, String secret, String key) {
    keys.computeIfAbsent(secret, s -> new TreeSet<>()).add(key);
  }
}
