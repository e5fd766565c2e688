package dev.vigil.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} alone, for the commands whose own {@code --version N} option rules out picocli's
 * {@code mixinStandardHelpOptions} (which also adds {@code -V}/{@code --version}). Every other command uses that.
 */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
}
