package orderflow.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command lines of the three programs, by image name, so a container's args can be parsed
 * exactly as the program will parse them.
 */
final class ProgramCommandLines {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
  private static final Map<String, Supplier<CommandLine>> BY_IMAGE =
      Map.of(
          "orderflow/consumer-inventory",
          () -> packagePrivate("orderflow.inventory.InventoryCommand"),
          "orderflow/consumer-shipping",
          orderflow.shipping.ShippingCommand::commandLine,
          "orderflow/producer",
          orderflow.producer.Main::commandLine);

  private ProgramCommandLines() {}

  /** The parse of {@code args} by the program of {@code image} (a name with or without tag). */
  static ParseResult parse(String image, List<String> args) {
    return program(image).get().parseArgs(args.toArray(String[]::new));
  }

  /** The innermost subcommand the args chose. */
  static ParseResult leaf(ParseResult parsed) {
    ParseResult result = parsed;
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result;
  }

  /**
   * Environment variables the commands {@code parsed} chose read through {@code ${env:NAME}} option
   * defaults, read from a second command line that keeps the variables uninterpolated.
   */
  static Set<String> environmentRead(String image, ParseResult parsed) {
    CommandLine raw = program(image).get();
    raw.setInterpolateVariables(false);
    Set<String> names = new TreeSet<>();
    CommandSpec spec = raw.getCommandSpec();
    for (ParseResult r = parsed; ; r = r.subcommand()) {
      for (OptionSpec option : spec.options()) {
        Matcher matcher = ENV_DEFAULT.matcher(String.valueOf(option.defaultValue()));
        while (matcher.find()) {
          names.add(matcher.group(1));
        }
      }
      if (!r.hasSubcommand()) {
        return names;
      }
      spec = spec.subcommands().get(r.subcommand().commandSpec().name()).getCommandSpec();
    }
  }

  static Supplier<CommandLine> program(String image) {
    String name = image.contains(":") ? image.substring(0, image.indexOf(':')) : image;
    Supplier<CommandLine> commandLine = BY_IMAGE.get(name);
    if (commandLine == null) {
      throw new AssertionError("no program for image " + image + " (known: " + BY_IMAGE.keySet());
    }
    return commandLine;
  }

  /** consumer-inventory keeps its command line package-private; the test reads it as main does. */
  private static CommandLine packagePrivate(String mainClass) {
    try {
      Method method = Class.forName(mainClass).getDeclaredMethod("commandLine");
      method.setAccessible(true);
      return (CommandLine) method.invoke(null);
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new AssertionError("cannot build the command line of " + mainClass + ": " + e, e);
    }
  }
}
