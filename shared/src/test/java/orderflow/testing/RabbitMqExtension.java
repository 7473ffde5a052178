package orderflow.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each integration test a {@link TestBroker} parameter: the broker chosen by {@link
 * BrokerSelection}, a namespace of its own, and deletion of what it declared afterwards. Use with
 * {@code @ExtendWith(RabbitMqExtension.class)}.
 */
public final class RabbitMqExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RabbitMqExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(STORE)
        .getOrComputeIfAbsent(
            "broker",
            key -> new TestBroker(BrokerSelection.broker(), context.getDisplayName()),
            TestBroker.class);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    TestBroker broker = context.getStore(STORE).remove("broker", TestBroker.class);
    if (broker != null) {
      broker.close();
    }
  }
}
