/** Reading the events stream: where to start, and the walk to its end or live. */
package orderflow.stream;
