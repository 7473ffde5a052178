package orderflow.consume;

import java.util.concurrent.Callable;
import orderflow.config.BrokerOptions;
import orderflow.consume.options.DatabaseOptions;
import orderflow.consume.options.RunOptions;
import orderflow.consume.process.ServiceMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs {@link ScriptedService} as its own process, for crash and signal tests. */
@Command(name = "scripted-service")
public final class ScriptedServiceMain implements Callable<Integer> {
  @Mixin BrokerOptions broker;
  @Mixin RunOptions run;
  @Mixin DatabaseOptions database;

  @Override
  public Integer call() throws Exception {
    return ServiceMain.run(
        broker.settings(),
        run.settings(),
        database.url(ScriptedService.NAME),
        ScriptedService.definition(),
        ServiceMain.NO_API);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScriptedServiceMain()).execute(args));
  }
}
