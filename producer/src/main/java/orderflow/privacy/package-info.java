/**
 * Personal data at rest and in flight (docs/architecture.md section 3.1): AES-256-GCM field
 * encryption under one data key per customer, the data keys wrapped by a master key, and erasure by
 * destroying a customer's data key. Only the order side holds keys; every other process forwards or
 * stores ciphertext.
 */
package orderflow.privacy;
