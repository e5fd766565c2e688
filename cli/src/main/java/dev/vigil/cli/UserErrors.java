package dev.vigil.cli;

import dev.vigil.spi.VigilException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one or two lines for people: what went wrong and what to do, exit code 2 for input
 * errors; the stack trace only with {@code --verbose}.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = verbose(parseResult);
        Throwable cause = unwrap(ex);
        int code;
        if (cause instanceof UserError u) {
            err.println("vigil: " + u.getMessage());
            code = VigilCommand.EXIT_USAGE;
        } else if (cause instanceof VigilException || cause instanceof IllegalArgumentException) {
            err.println("vigil: " + cause.getMessage());
            code = VigilCommand.EXIT_USAGE;
        } else if (cause instanceof UncheckedIOException io) {
            err.println("vigil: " + io.getMessage()
                    + (io.getCause() instanceof NoSuchFileException ? " (no such file)" : ""));
            code = VigilCommand.EXIT_FAILURE;
        } else {
            err.println("vigil: unexpected " + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    + (verbose ? "" : " (run again with --verbose for details)"));
            code = VigilCommand.EXIT_FAILURE;
        }
        if (verbose) {
            cause.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.ExecutionException
                || c instanceof java.util.concurrent.CompletionException
                || c instanceof java.lang.reflect.InvocationTargetException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Bad options or arguments: the message and where to find help, not the whole usage text. */
    static final class BadUsage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("vigil: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return VigilCommand.EXIT_USAGE;
        }
    }
}
