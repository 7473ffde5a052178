/** Opening connections to RabbitMQ: TLS, recovery, named threads, clear errors. */
package orderflow.broker;
