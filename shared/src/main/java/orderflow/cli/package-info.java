/** What every command line does alike: version, one-line errors, JSON output, queries. */
package orderflow.cli;
