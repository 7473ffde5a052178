/** What every command line of this project does alike: one-line errors, a default subcommand. */
package orderflow.cli;
