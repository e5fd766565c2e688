package dev.vigil.cli;

import dev.vigil.cli.report.HtmlReport;
import dev.vigil.cli.report.QualityReport;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil report --out report.html}. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write a self-contained HTML quality report (no network needed to view it).")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Option(names = {"-o", "--out"}, defaultValue = "vigil-report.html", paramLabel = "FILE",
            description = "The HTML file to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--from", defaultValue = "24h", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "Start of the range (default ${DEFAULT-VALUE} ago): ISO instant, date, or age.")
    TimeArg from;

    @Option(names = "--to", defaultValue = "now", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "End of the range (default ${DEFAULT-VALUE}).")
    TimeArg to;

    @Option(names = "--failures", defaultValue = "50", description = "How many failing traces to list (default ${DEFAULT-VALUE}).")
    int failures;

    @Override
    public Integer call() {
        Clock clock = Clock.systemUTC();
        try (Store s = store.open()) {
            Experiment exp = store.existingExperiment(s);
            Path written = write(s, exp, out, from.resolve(clock), to.resolve(clock).plusMillis(1), clock.instant(),
                    failures);
            spec.commandLine().getOut().println("Wrote " + written.toAbsolutePath().normalize()
                    + " (open it in a browser; it needs no network).");
            return 0;
        }
    }

    /**
     * Writes a report atomically (temporary file, then a move).
     *
     * @return the file written
     */
    static Path write(Store s, Experiment exp, Path out, Instant from, Instant to, Instant now, int failures) {
        QualityReport report = QualityReport.collect(s, exp, from, to, now, failures);
        String html = HtmlReport.render(report);
        try {
            Path abs = out.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + out + ": " + e.getMessage(), e);
        }
    }
}
