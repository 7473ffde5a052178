package orderflow.producer;

import picocli.CommandLine.IVersionProvider;

/** Reports the {@code Implementation-Version} the shaded jar's manifest carries. */
public final class ManifestVersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = ManifestVersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"producer " + (version == null ? "(development build)" : version)};
  }
}
