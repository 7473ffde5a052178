/** Publishing never assumed to have worked: persistent, mandatory, confirmed. */
package orderflow.publish;
