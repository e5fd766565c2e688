package dev.vigil.cli;

import dev.vigil.core.VigilVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.io.PrintWriter;
import java.util.function.Function;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code vigil} command line. Exit codes: 0 done, 1 an unexpected failure (a bug or an environment problem),
 * 2 a usage or input error (bad option, bad store URI, unknown scorer, bad filter...), 130 interrupted.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCommand.Version.class,
        description = "Continuous quality monitoring for GenAI applications.",
        subcommands = {DemoCommand.class, ExperimentsCommand.class, ScorersCommand.class, MonitorCommand.class, MonitorsCommand.class, BudgetsCommand.class, EngineCommand.class, RollupsCommand.class, BackfillCommand.class, JobsCommand.class, ArchiveCommand.class, TracesCommand.class, ReportCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class VigilCommand implements Runnable {

    /** Exit code for a usage or input error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for an unexpected failure. */
    public static final int EXIT_FAILURE = 1;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces and debug details when something fails.")
    boolean verbose;

    @Option(names = "--classpath", scope = ScopeType.INHERIT, paramLabel = "JAR_OR_DIR[:...]",
            description = "Jars and class folders with custom Java scorers (--java CLASS); give the same to every "
                    + "command that runs them (monitor, serve, backfill, scorers try). Also VIGIL_CLASSPATH.")
    String classpath;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Opens stores by URI; tests substitute one that hands out a store they hold. */
    final Function<String, Store> stores;

    VigilCommand(Function<String, Store> stores) {
        this.stores = stores;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * @param out where commands print their results
     * @param err where errors go
     * @return the command line, with its error handlers, writing to those streams
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, Stores::open);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, Function<String, Store> stores) {
        CommandLine cl = new CommandLine(new VigilCommand(stores));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new UserErrors());
        cl.setParameterExceptionHandler(new UserErrors.BadUsage());
        cl.setExecutionStrategy(new ScorerClasspath(new CommandLine.RunLast()));
        return cl;
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Prints the version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + VigilVersion.current()};
        }
    }
}
