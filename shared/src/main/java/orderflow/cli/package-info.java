/**
 * What every command line of this project does alike: the version line ({@link
 * orderflow.cli.ManifestVersion}), one-line errors ({@link orderflow.cli.OneLineErrors}), {@code
 * --json} output ({@link orderflow.cli.JsonOutput}), read-only queries of a service's database
 * ({@link orderflow.cli.QueryDatabase}) and a default subcommand.
 */
package orderflow.cli;
