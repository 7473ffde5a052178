/** The consumer runtime (docs/architecture.md section 5). */
package orderflow.consume.engine;
