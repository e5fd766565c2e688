package dev.vigil.cli;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code --classpath JAR_OR_DIR[:...]} (or {@code VIGIL_CLASSPATH}): jars and class folders holding custom Java
 * scorers ({@code scorers register NAME --java CLASS}). The command runs with a class loader over them as the thread
 * context class loader, which Java scorer definitions are loaded through and which the engine's threads inherit.
 * Every command that builds scorers ({@code monitor}, {@code serve}, {@code backfill}, {@code scorers try},
 * {@code jobs resume}) needs the same classpath as the registration.
 */
final class ScorerClasspath implements CommandLine.IExecutionStrategy {

    /** The environment variable read when no --classpath is given. */
    static final String ENV = "VIGIL_CLASSPATH";

    private final CommandLine.IExecutionStrategy next;

    ScorerClasspath(CommandLine.IExecutionStrategy next) {
        this.next = next;
    }

    @Override
    public int execute(ParseResult parseResult) {
        String spec = option(parseResult);
        if (spec == null || spec.isBlank()) {
            return next.execute(parseResult);
        }
        URLClassLoader loader;
        try {
            loader = loader(spec);
        } catch (UserError e) {
            CommandLine cl = parseResult.commandSpec().commandLine();
            cl.getErr().println("vigil: " + e.getMessage());
            cl.getErr().flush();
            return VigilCommand.EXIT_USAGE;
        }
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return next.execute(parseResult);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static String option(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--classpath")) {
                return p.matchedOptionValue("--classpath", (String) null);
            }
        }
        return System.getenv(ENV);
    }

    /**
     * @param spec entries separated by the platform's path separator
     * @return a class loader over them, its parent the CLI's own
     * @throws UserError for an entry that is neither a jar nor a folder
     */
    static URLClassLoader loader(String spec) {
        List<URL> urls = new ArrayList<>();
        for (String entry : spec.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry.trim());
            boolean jar = Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar");
            if (!jar && !Files.isDirectory(p)) {
                throw new UserError("--classpath entry '" + entry + "' is neither a .jar file nor a folder of classes"
                        + (Files.exists(p) ? "" : " (it does not exist)") + "; separate entries with '"
                        + File.pathSeparator + "'");
            }
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UserError("--classpath entry '" + entry + "' is not a usable path: " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("vigil-scorers", urls.toArray(URL[]::new), VigilCommand.class.getClassLoader());
    }
}
