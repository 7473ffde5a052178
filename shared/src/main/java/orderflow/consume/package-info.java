/**
 * What a service author writes against, and nothing else: {@link orderflow.consume.EventHandler}
 * (one per event type), {@link orderflow.consume.HandlerContext} (its transaction and its emitted
 * events), {@link orderflow.consume.PermanentFailureException} and {@link
 * orderflow.consume.TransientFailureException} (dead letter or retry), {@link
 * orderflow.consume.ServiceDefinition}. The runtime that calls them is in {@code
 * orderflow.consume.engine}, a service's {@code run} options in {@code orderflow.consume.options},
 * the process around it in {@code orderflow.consume.process} (docs/architecture.md sections 5 and
 * 12).
 */
package orderflow.consume;
