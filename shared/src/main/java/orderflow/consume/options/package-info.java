/**
 * The picocli mixins of every service's {@code run} command: {@link
 * orderflow.consume.options.RunOptions} (the consumer settings, whose defaults are {@link
 * orderflow.consume.engine.ConsumerSettings}'s) and {@link
 * orderflow.consume.options.DatabaseOptions}.
 */
package orderflow.consume.options;
