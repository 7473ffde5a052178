package orderflow.contract;

import java.util.Objects;

/**
 * One JSON Schema of the contract, as a classpath resource.
 *
 * @param title the name other documents give it, e.g. {@code OrderCreatedV2}
 * @param fileName the resource's file name under {@link EventSchemas#RESOURCE_FOLDER}, which is
 *     also the last segment of its {@code $id}
 */
public record EventSchema(String title, String fileName) {
  public EventSchema {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(fileName, "fileName");
  }

  /** The resource path, for {@link ClassLoader#getResourceAsStream}. */
  public String resourcePath() {
    return EventSchemas.RESOURCE_FOLDER + fileName;
  }

  /** The schema's {@code $id}. */
  public String id() {
    return EventSchemas.ID_BASE + fileName;
  }
}
