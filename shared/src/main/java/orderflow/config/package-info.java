/** Broker settings shared by every process, and keeping output safe (secrets, message text). */
package orderflow.config;
