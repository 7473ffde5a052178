/**
 * Publishing that is never assumed to have worked: persistent messages, the mandatory flag, and
 * publisher confirms, each publish resolving to exactly one {@link
 * orderflow.publish.PublishOutcome}.
 */
package orderflow.publish;
