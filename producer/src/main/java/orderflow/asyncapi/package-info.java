/**
 * The AsyncAPI 3.0 document of the system ({@link orderflow.asyncapi.AsyncApiDocument}), generated
 * from the one topology definition and the event schemas, so it cannot drift from either.
 */
package orderflow.asyncapi;
