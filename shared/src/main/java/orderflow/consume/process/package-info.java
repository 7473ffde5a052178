/**
 * A service process around the runtime: {@link orderflow.consume.process.ServiceMain} connects,
 * declares, starts the runtime, the outbox publisher, the ingresses and the HTTP server, and stops
 * them in order on SIGTERM ({@link orderflow.consume.process.ShutdownRegistry}, a watchdog bounds
 * the drain); docs/architecture.md section 5.8.
 */
package orderflow.consume.process;
