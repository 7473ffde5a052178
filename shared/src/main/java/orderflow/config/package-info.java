/** Settings shared by every process: broker URI, namespace, and their environment fallbacks. */
package orderflow.config;
