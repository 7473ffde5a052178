package orderflow.cli;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

/** Makes one subcommand the default, so a service starts with no arguments or options only. */
public final class DefaultSubcommand {
  private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

  private DefaultSubcommand() {}

  /** {@code name} in front, unless args start with a subcommand or the top-level help/version. */
  public static String[] prepend(String name, String[] args) {
    if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL_OPTIONS.contains(args[0]))) {
      return args;
    }
    return Stream.concat(Stream.of(name), Arrays.stream(args)).toArray(String[]::new);
  }
}
