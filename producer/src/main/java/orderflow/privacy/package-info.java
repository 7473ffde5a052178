/** Personal data: field encryption under a data key per customer; erasure destroys the key. */
package orderflow.privacy;
