package orderflow.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code --version} line: the root command's name and the jar's Implementation-Version. */
public final class ManifestVersion implements IVersionProvider {
  public static final String DEVELOPMENT = "(development build)";

  @Spec CommandSpec spec;

  @Override
  public String[] getVersion() {
    CommandSpec root = spec.root();
    String version = root.userObject().getClass().getPackage().getImplementationVersion();
    return new String[] {root.name() + " " + (version == null ? DEVELOPMENT : version)};
  }
}
