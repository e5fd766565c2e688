package dev.vigil.cli;

import dev.vigil.core.VigilVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VigilCommand.Version.class,
        description = "Continuous quality monitoring for GenAI applications.")
public final class VigilCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new VigilCommand()).execute(args));
    }

    /** Prints the version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + VigilVersion.current()};
        }
    }
}
