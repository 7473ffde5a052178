package orderflow.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code --version} line of every program: {@code <program> <version>}, the program being the
 * root command's name and the version the {@code Implementation-Version} of the jar's manifest, or
 * {@value #DEVELOPMENT} when run from classes. Name it in {@code @Command(versionProvider = ...)};
 * picocli creates one per command and injects the spec.
 */
public final class ManifestVersion implements IVersionProvider {
  /** The version shown when no manifest says one (a build run from classes). */
  public static final String DEVELOPMENT = "(development build)";

  @Spec CommandSpec spec;

  @Override
  public String[] getVersion() {
    CommandSpec root = spec.root();
    return new String[] {root.name() + " " + version(root.userObject().getClass())};
  }

  /** The version in the manifest of the jar that holds {@code type}, or {@value #DEVELOPMENT}. */
  static String version(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? DEVELOPMENT : version;
  }
}
