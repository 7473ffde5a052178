/** Metrics (Micrometer, Prometheus text format) and the HTTP health and metrics endpoints. */
package orderflow.observe;
