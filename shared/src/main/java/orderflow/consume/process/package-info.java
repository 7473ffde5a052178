/** A service process around the runtime (docs/architecture.md section 5.8). */
package orderflow.consume.process;
