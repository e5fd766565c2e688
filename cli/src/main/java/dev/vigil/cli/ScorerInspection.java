package dev.vigil.cli;

import static dev.vigil.cli.ScorersCommand.explainUnknown;
import static dev.vigil.cli.ScorersCommand.pct;
import static dev.vigil.cli.ScorersCommand.plural;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.evaluate.EvaluationResult;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil scorers list}, {@code get} and {@code try}: looking at scorers without changing them. */
final class ScorerInspection {
    private ScorerInspection() {}

    /** {@code vigil scorers list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiment's scorers (latest version of each) with their health: pairs pending in the retry queue, the last failure kind recorded there, paused or unavailable.")
    static final class ListScorers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Option(names = "--all-versions", description = "Every version, not only the latest.")
        boolean allVersions;

        @Override
        public Integer call() {
            // read the stored versions as they are: listing needs no scorer rebuilt (no Python sandbox started);
            // health is what the store holds (ScorerHealth.fromStore): the engine's counters live in its process
            Table t = new Table("NAME", ">VERSION", "KIND", "LEVEL", "STATE", ">SAMPLE RATE", "FILTER", "HEALTH", ">PENDING",
                    "LAST FAILURE");
            List<String> notes = new java.util.ArrayList<>();
            long skipped;
            try (Store s = store.open()) {
                java.util.Optional<dev.vigil.spi.model.Experiment> exp = s.experiments().findByName(store.experiment);
                Map<String, ScorerVersion> latest = new java.util.TreeMap<>();
                List<ScorerVersion> all = exp.map(e -> s.scorers().list(e.experimentId())).orElse(List.of());
                for (ScorerVersion v : all) {
                    latest.merge(v.name(), v, (a, b) -> a.version() >= b.version() ? a : b);
                }
                for (ScorerVersion v : all) {
                    if (allVersions || latest.get(v.name()) == v) {
                        dev.vigil.core.ScorerHealth h = health(s, exp.get().experimentId(), v);
                        t.row(v.name(), v.version(), v.definition().kind(), level(v), state(v), pct(v.sampling().sampleRate()),
                                v.sampling().filterString() == null ? "" : v.sampling().filterString(),
                                h == null ? "-" : healthWord(h), h == null ? "-" : h.pendingRetries(),
                                h == null || h.lastErrorKind() == null ? "" : h.lastErrorKind().name());
                        if (h != null && h.reason() != null) {
                            notes.add(v.name() + " v" + v.version() + ": " + h.reason());
                        }
                    }
                }
                skipped = s.skippedRows();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (t.isEmpty()) {
                out.println("No scorers in experiment '" + store.experiment + "'. Add one with 'vigil scorers register'.");
            } else {
                t.print(out);
                for (String n : notes) {
                    out.println(n);
                }
            }
            if (skipped > 0) {
                out.println(SkippedRowsNote.text(skipped));
            }
            return 0;
        }

        /**
         * @return {@code session} or {@code trace}, from the kind's codec (which tells it from the definition, or
         *     builds the scorer and asks it); {@code trace} if it cannot be told here (as the registry decides)
         */
        static String level(ScorerVersion v) {
            try {
                return dev.vigil.core.scorer.ScorerCodecs.codec(v.definition().kind()).sessionLevel(v.definition())
                        ? "session" : "trace";
            } catch (RuntimeException cannotTell) {
                return "trace";
            }
        }

        /** @return the stored health, or null for a store without a retry queue */
        private static dev.vigil.core.ScorerHealth health(Store s, String experimentId, ScorerVersion v) {
            try {
                return dev.vigil.core.ScorerHealth.fromStore(s.retries(), experimentId, v.name(), v.version());
            } catch (UnsupportedOperationException e) {
                return null;
            }
        }

        private static String healthWord(dev.vigil.core.ScorerHealth h) {
            return switch (h.state()) {
                case PAUSED -> "paused";
                case UNAVAILABLE -> "unavailable";
                case QUARANTINED -> "quarantined";
                case RUNNING -> h.pendingRetries() > 0 ? "retrying" : "ok";
            };
        }
    }

    static String state(ScorerVersion v) {
        return v.sampling().isActive() ? "active" : "stopped";
    }

    /** {@code vigil scorers get NAME [--version N]}. */
    @Command(name = "get", description = "Show a scorer: its state, sampling and definition.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        HelpOption help;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--version", paramLabel = "N", description = "This version (default: the latest).")
        Integer version;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open()) {
                dev.vigil.spi.model.Experiment e = store.existingExperiment(s);
                java.util.Optional<ScorerVersion> found = version == null ? s.scorers().latest(e.experimentId(), name)
                        : s.scorers().get(e.experimentId(), name, version);
                ScorerVersion r = found.orElseThrow(() -> {
                    List<String> names = s.scorers().list(e.experimentId()).stream().map(ScorerVersion::name).distinct().toList();
                    return new UserError("Scheduled scorer '" + name + "'" + (version == null ? "" : " version " + version)
                            + " not found in experiment '" + e.name() + "'"
                            + (names.isEmpty() ? "" : ". Registered: " + String.join(", ", names)));
                });
                out.println("name:        " + r.name());
                out.println("version:     " + r.version());
                out.println("kind:        " + r.definition().kind());
                out.println("level:       " + ListScorers.level(r));
                out.println("state:       " + state(r));
                out.println("sample rate: " + pct(r.sampling().sampleRate()));
                out.println("filter:      " + (r.sampling().filterString() == null ? "(none)" : r.sampling().filterString()));
                out.println("updated:     " + r.updatedAt());
                out.println("definition:");
                r.definition().config().forEach((k, v) -> {
                    String text = v instanceof String str ? str : Json.write(v);
                    out.println("  " + k + ": " + (text.contains("\n") ? "\n    " + text.strip().replace("\n", "\n    ") : text));
                });
            }
            return 0;
        }
    }

    /** {@code vigil scorers try NAME --last 20}. */
    @Command(name = "try", mixinStandardHelpOptions = true, description = "Run a registered scorer on recent traces and print what it says; stores nothing.")
    static final class Try implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--last", defaultValue = "20", paramLabel = "N", description = "How many of the latest traces (default ${DEFAULT-VALUE}).")
        int last;
        @Option(names = "--from", defaultValue = "7d", converter = TimeArg.Converter.class, paramLabel = "TIME",
                description = "Look no further back than this (default ${DEFAULT-VALUE}).")
        TimeArg from;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (last < 1) {
                throw new UserError("--last " + last + ": give how many of the latest traces to try the scorer on, 1 or more");
            }
            Clock clock = Clock.systemUTC();
            try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
                ExperimentHandle exp = vigil.experiment(store.experiment);
                Deque<Trace> latest = new ArrayDeque<>();
                String token = null;
                Instant to = clock.instant().plusMillis(1);
                do {
                    TracePage page = exp.traces(from.resolve(clock), to, null, token, 500);
                    for (Trace t : page.traces()) {
                        latest.addLast(t);
                        if (latest.size() > last) {
                            latest.removeFirst();
                        }
                    }
                    token = page.nextPageToken();
                } while (token != null);
                List<Trace> traces = new ArrayList<>(latest);
                EvaluationResult result = explainUnknown(exp.scorers(), store.experiment,
                        () -> exp.tryScorer(name, traces));
                Table t = new Table("TRACE", "TIME", "VALUE", "RATIONALE");
                Map<String, Trace> byId = new LinkedHashMap<>();
                traces.forEach(tr -> byId.put(tr.traceId(), tr));
                int errors = 0;
                for (EvaluationResult.Item item : result.items()) {
                    for (List<Feedback> fs : item.feedback().values()) {
                        for (Feedback f : fs) {
                            Trace tr = byId.get(item.traceId());
                            String value = f.isError() ? "error " + f.error().code() : String.valueOf(f.value());
                            errors += f.isError() ? 1 : 0;
                            String why = f.isError() ? f.error().message() : f.rationale();
                            t.row(item.traceId(), tr == null ? "" : tr.info().requestTime().toString(),
                                    (f.name().equals(name) ? "" : f.name() + "=") + value, clip(why, 80));
                        }
                    }
                }
                String window = "since " + from.resolve(clock) + " (--from " + from.text() + ")";
                if (traces.isEmpty()) {
                    out.println("No trace to try '" + name + "' on: experiment '" + store.experiment + "' has no trace "
                            + window + "; look further back with --from 30d.");
                } else if (t.isEmpty()) {
                    out.println("No trace to try '" + name + "' on: none of the " + plural(traces.size(), "latest trace")
                            + " " + window + " matches its filter.");
                } else {
                    t.print(out);
                }
                out.printf("Tried '%s' on %d of the %s since %s (--from %s; its filter picks which); %s; nothing stored.%n",
                        name, result.items().size(), plural(traces.size(), "latest trace"), from.resolve(clock),
                        from.text(), plural(errors, "error"));
                // sorted by name: the same order on every run
                new java.util.TreeMap<>(result.metrics()).forEach((k, v) -> out.printf("  %s = %s%n", k,
                        Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v)));
                return 0;
            }
        }

        private static String clip(String s, int n) {
            if (s == null) {
                return "";
            }
            String one = s.replace('\n', ' ');
            return one.length() <= n ? one : one.substring(0, n - 1) + "…";
        }
    }
}
