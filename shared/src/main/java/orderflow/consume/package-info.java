/** What a service author writes against: handlers, their failures, the service definition. */
package orderflow.consume;
