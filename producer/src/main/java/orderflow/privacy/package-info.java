/**
 * Personal data at rest and in flight: AES-256-GCM field encryption under one data key per
 * customer, wrapped by a master key; erasure destroys the customer's data key.
 */
package orderflow.privacy;
