/**
 * Settings shared by every process (broker URI, namespace, and their environment fallbacks), and
 * the helpers that keep output safe: {@link orderflow.config.Redaction} for secrets, {@link
 * orderflow.config.LogSafe} for text that came from a message.
 */
package orderflow.config;
