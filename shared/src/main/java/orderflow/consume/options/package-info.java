/** The picocli mixins of every service's {@code run} command: its settings and its database. */
package orderflow.consume.options;
