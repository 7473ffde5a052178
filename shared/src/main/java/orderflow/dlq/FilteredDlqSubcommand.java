package orderflow.dlq;

import picocli.CommandLine.Mixin;

/** A {@code dlq} subcommand that takes the filter options. */
abstract class FilteredDlqSubcommand extends DlqSubcommand {
  @Mixin FilterOptions filterOptions;

  @Override
  void validate() {
    filterOptions.filter();
  }

  DeadLetterFilter filter() {
    return filterOptions.filter();
  }
}
