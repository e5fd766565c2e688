package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.evaluate.EvaluationResult;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.judges.Judges;
import dev.vigil.judges.LlmJudge;
import dev.vigil.python.PythonScorer;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil scorers ...}: MLflow's scorer lifecycle from the command line. */
@Command(name = "scorers", mixinStandardHelpOptions = true, description = "Register, start, update, stop, delete, list, get and try scorers.",
        subcommands = {ScorersCommand.Register.class, ScorersCommand.Start.class, ScorersCommand.Update.class,
                ScorersCommand.Stop.class, ScorersCommand.Delete.class, ScorersCommand.ListScorers.class,
                ScorersCommand.Get.class, ScorersCommand.Try.class})
final class ScorersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs {@code action} on the experiment's registry with an open store; closes both. */
    static <T> T withRegistry(StoreMixin store, Function<ScorerRegistry, T> action) {
        try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
            ExperimentHandle exp = vigil.experiment(store.experiment);
            return explainUnknown(exp.scorers(), store.experiment, () -> action.apply(exp.scorers()));
        }
    }

    /** Adds the registered names to "not found" errors, so a typo is easy to spot. */
    static <T> T explainUnknown(ScorerRegistry registry, String experiment, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFoundException | InvalidInputException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("not found") || m.contains("not registered")) {
                // people know their experiments by name, not by id
                m = m.replace("experiment '" + registry.experimentId() + "'", "experiment '" + experiment + "'");
                List<String> names = registry.list().stream().map(RegisteredScorer::name).distinct().toList();
                throw new UserError(m + (names.isEmpty()
                        ? ". It has no scorers yet: add one with 'vigil scorers register NAME --python FILE'"
                        : ". Registered: " + String.join(", ", names)), e);
            }
            throw e;
        }
    }

    /**
     * @param n a count
     * @param noun the singular noun (plural: with an s)
     * @return e.g. "1 error", "2 errors"
     */
    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String pct(double rate) {
        double p = rate * 100;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    static String describe(RegisteredScorer r) {
        return "'" + r.name() + "' version " + r.version() + " (" + r.definition().kind() + "): "
                + r.state().name().toLowerCase(Locale.ROOT)
                + (r.isActive() ? " at " + pct(r.sampleRate()) : "")
                + (r.filterString() == null ? "" : ", filter " + r.filterString());
    }

    /** Where a scorer being registered comes from: exactly one. */
    static final class Source {
        @Option(names = "--python", paramLabel = "FILE",
                description = "A Python file with an MLflow @scorer function (imports inside the body allowed).")
        Path python;

        @Option(names = "--java", paramLabel = "CLASS",
                description = "A public Java class implementing CodeScorer or Scorer, on the module path; e.g. "
                        + "dev.vigil.cli.demo.DemoScorers$IsEnglish.")
        String javaClass;

        @Option(names = "--judge", paramLabel = "KIND",
                description = "An LLM judge: safety, relevance, correctness, groundedness, retrieval-relevance, "
                        + "sufficiency, completeness, fluency, tool-correctness, tool-efficiency, guidelines, "
                        + "custom-prompt.")
        String judge;

        @Option(names = "--definition", paramLabel = "FILE",
                description = "A scorer definition as JSON: {\"kind\": ..., \"config\": {...}}.")
        Path definition;

        @Option(names = "--from-mlflow", paramLabel = "FILE",
                description = "An MLflow serialized scorer (Scorer.model_dump() JSON): a decorator scorer, a built-in "
                        + "judge (Safety, Guidelines, Correctness...) or a make_judge judge.")
        Path fromMlflow;
    }

    /** {@code vigil scorers register NAME (--python FILE | --java CLASS | --judge KIND | --definition FILE)}. */
    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a scorer (a new version if the name exists).")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Parameters(index = "0", paramLabel = "NAME", description = "The name, unique in the experiment.")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--entry-point", paramLabel = "FUNCTION", description = "The Python function, if the file has several.")
        String entryPoint;

        @Option(names = "--isolation", paramLabel = "in-process|process", description = "For --python: where the "
                + "scorer runs: in-process (default, fastest) or process (a worker process, which bounds code such as "
                + "sum(range(10**12)) that cannot be interrupted in-process).")
        String isolation;

        @Option(names = "--model", paramLabel = "URI", description = "Judge model, e.g. openai:/gpt-4o-mini (default VIGIL_JUDGE_MODEL).")
        String model;

        @Option(names = "--guidelines", paramLabel = "TEXT", description = "A guideline (repeatable), for --judge guidelines.")
        List<String> guidelines;

        @Option(names = "--prompt", paramLabel = "FILE", description = "A prompt template with [[choice]] labels, for --judge custom-prompt.")
        Path prompt;

        @Option(names = "--numeric-value", paramLabel = "CHOICE=NUMBER", description = "For --judge custom-prompt: a choice's number (repeatable).")
        Map<String, Double> numericValues;

        @Option(names = "--start", description = "Start it right away (with --sample-rate and --filter).")
        boolean start;

        @Option(names = "--sample-rate", paramLabel = "RATE", description = "With --start: the share of traces to "
                + "score, in [0.000001, 1] (default 1).")
        Double sampleRate;

        @Option(names = "--filter", paramLabel = "FILTER", description = "With --start: only traces matching this filter.")
        String filter;

        @Override
        public Integer call() {
            // Everything is checked before anything is written: a command that fails registers nothing.
            SamplingConfig sampling = sampling();
            Scorer scorer = build();
            PrintWriter out = spec.commandLine().getOut();
            RegisteredScorer r = withRegistry(store, reg -> {
                RegisteredScorer registered = reg.register(scorer, name);
                if (sampling == null) {
                    return registered;
                }
                try {
                    return registered.start(sampling);
                } catch (RuntimeException e) {
                    // not expected after the checks above; still, never leave a version the user did not get
                    try {
                        reg.delete(name, registered.version());
                    } catch (RuntimeException rollback) {
                        e.addSuppressed(rollback);
                    }
                    throw e;
                }
            });
            out.println("Registered " + describe(r) + " in experiment '" + store.experiment + "'.");
            if (credentialsNote != null) {
                spec.commandLine().getErr().println("vigil: " + credentialsNote);
            }
            if (!start) {
                out.println("Start it with: vigil scorers start " + Shell.quote(name) + Shell.experimentOption(store.experiment)
                        + " --sample-rate 0.5");
            }
            return 0;
        }

        /** Set when the judge's model cannot be reached from here (no key, no host): said after registering. */
        private String credentialsNote;

        /**
         * A judge is registered without its provider's credentials, as MLflow allows: they are needed only where it
         * scores. Its model URI is checked (by build); a missing key is said as a note, not an error.
         */
        private LlmJudge withoutCredentials(LlmJudge judge) {
            try {
                judge.check();
            } catch (InvalidInputException e) {
                credentialsNote = "note: " + e.getMessage() + " - needed where the judge scores ('vigil monitor', "
                        + "'vigil serve', 'vigil backfill'), not to register it";
            }
            return judge;
        }

        /** @return the sampling to start with, checked, or null without --start */
        private SamplingConfig sampling() {
            if (!start) {
                if (sampleRate != null || filter != null) {
                    throw new UserError((sampleRate != null ? "--sample-rate" : "--filter") + " applies only with "
                            + "--start; add --start, or register first and then run 'vigil scorers start "
                            + Shell.quote(name) + " --sample-rate RATE [--filter FILTER]'");
                }
                return null;
            }
            double rate = SampleRates.check(sampleRate == null ? 1.0 : sampleRate, "--sample-rate", false);
            if (filter != null && !filter.isBlank()) {
                TraceFilter.parse(filter); // a bad filter fails here, pointing at its column, before any write
            }
            return SamplingConfig.of(rate, filter);
        }

        private dev.vigil.python.Isolation isolation() {
            if (isolation == null) {
                return dev.vigil.python.Isolation.IN_PROCESS;
            }
            return switch (isolation.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "in-process" -> dev.vigil.python.Isolation.IN_PROCESS;
                case "process" -> dev.vigil.python.Isolation.PROCESS;
                default -> throw new UserError("--isolation " + isolation + ": use in-process (the default) or process");
            };
        }

        private Scorer build() {
            if (isolation != null && source.python == null) {
                throw new UserError("--isolation applies to --python scorers only");
            }
            if (source.fromMlflow != null) {
                return fromMlflow(read(source.fromMlflow));
            }
            if (source.python != null) {
                String code = read(source.python);
                try {
                    var b = PythonScorer.builder().name(name).source(code).isolation(isolation());
                    return entryPoint == null ? b.build() : b.entryPoint(entryPoint).build();
                } catch (dev.vigil.python.PythonSourceException e) {
                    String hint = e.line() > 0 ? null : PythonSourceHints.hint(code, e.getMessage());
                    throw new UserError(source.python + (e.line() > 0 ? " line " + e.line() + ", column "
                            + e.column() : "") + ": " + e.getMessage() + (hint == null ? "" : "\n" + hint), e);
                }
            }
            if (source.javaClass != null) {
                return ScorerCodecs.decode(name, new ScorerDefinition("java", Map.of("class", source.javaClass)));
            }
            if (source.definition != null) {
                Object parsed = Json.parse(read(source.definition));
                if (!(parsed instanceof Map<?, ?> m) || !(m.get("kind") instanceof String kind)) {
                    throw new UserError(source.definition + ": expected {\"kind\": \"java|python|judge\", \"config\": {...}}");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> config = m.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
                return ScorerCodecs.decode(name, new ScorerDefinition(kind, config));
            }
            return judge();
        }

        private Scorer fromMlflow(String json) {
            try {
                if (dev.vigil.judges.MlflowJudges.isJudge(json)) {
                    LlmJudge.Builder b = dev.vigil.judges.MlflowJudges.fromMlflow(json).name(name);
                    if (model != null) {
                        b.model(model);
                    }
                    return withoutCredentials(b.build());
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) Json.parse(json);
                return PythonScorer.fromMlflow(name, m).build();
            } catch (dev.vigil.spi.InvalidInputException e) {
                throw new UserError(source.fromMlflow + ": " + e.getMessage(), e);
            }
        }

        private Scorer judge() {
            LlmJudge.Builder b = switch (source.judge.toLowerCase(Locale.ROOT)) {
                case "safety" -> Judges.safety();
                case "relevance", "relevance-to-query" -> Judges.relevanceToQuery();
                case "correctness" -> Judges.correctness();
                case "groundedness", "retrieval-groundedness" -> Judges.retrievalGroundedness();
                case "retrieval-relevance" -> Judges.retrievalRelevance();
                case "sufficiency", "retrieval-sufficiency" -> Judges.retrievalSufficiency();
                case "completeness" -> Judges.completeness();
                case "fluency" -> Judges.fluency();
                case "tool-correctness" -> Judges.toolCallCorrectness();
                case "tool-efficiency" -> Judges.toolCallEfficiency();
                case "expectations-guidelines" -> Judges.expectationsGuidelines();
                case "guidelines" -> {
                    if (guidelines == null || guidelines.isEmpty()) {
                        throw new UserError("--judge guidelines needs at least one --guidelines \"The response must ...\"");
                    }
                    yield Judges.guidelines(name, guidelines);
                }
                case "custom-prompt" -> {
                    if (prompt == null) {
                        throw new UserError("--judge custom-prompt needs --prompt FILE with [[choice]] labels");
                    }
                    yield Judges.customPrompt(name, read(prompt), numericValues);
                }
                default -> throw new UserError("unknown judge '" + source.judge + "'; known: safety, relevance, "
                        + "correctness, groundedness, retrieval-relevance, sufficiency, completeness, fluency, "
                        + "tool-correctness, tool-efficiency, expectations-guidelines, guidelines, custom-prompt");
            };
            b.name(name);
            if (model != null) {
                b.model(model);
            }
            return withoutCredentials(b.build());
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code vigil scorers start NAME --sample-rate R [--filter F]}. */
    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start scoring new traces with a registered scorer.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--sample-rate", required = true, paramLabel = "RATE", description = "Share of traces to score, in [0.000001, 1].")
        double sampleRate;
        @Option(names = "--filter", paramLabel = "FILTER", description = "Only traces matching this filter.")
        String filter;

        @Override
        public Integer call() {
            SampleRates.check(sampleRate, "--sample-rate", false);
            RegisteredScorer r = withRegistry(store, reg -> reg.start(name, SamplingConfig.of(sampleRate, filter)));
            spec.commandLine().getOut().println("Started " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers update NAME [--sample-rate R] [--filter F]}. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a scorer's sample rate or filter.")
    static final class Update implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--sample-rate", paramLabel = "RATE", description = "The new rate, in [0.000001, 1] (0 stops it); default: unchanged.")
        Double sampleRate;
        @Option(names = "--filter", paramLabel = "FILTER", description = "The new filter; '' removes it; default: unchanged.")
        String filter;

        @Override
        public Integer call() {
            if (sampleRate == null && filter == null) {
                throw new UserError("nothing to update: give --sample-rate and/or --filter");
            }
            if (sampleRate != null) {
                SampleRates.check(sampleRate, "--sample-rate", true);
            }
            RegisteredScorer r = withRegistry(store, reg -> {
                RegisteredScorer now = reg.get(name);
                double rate = sampleRate != null ? sampleRate : now.sampleRate();
                String f = filter != null ? filter : now.filterString();
                return reg.update(name, SamplingConfig.of(rate, f));
            });
            spec.commandLine().getOut().println("Updated " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers stop NAME}. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a scorer (sample rate 0); it stays registered and can be started again.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            RegisteredScorer r = withRegistry(store, reg -> reg.stop(name));
            spec.commandLine().getOut().println("Stopped " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers delete NAME [--version N]}. */
    @Command(name = "delete", description = "Delete a scorer: every version, or one.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        HelpOption help;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--version", paramLabel = "N", description = "Only this version.")
        Integer version;

        @Override
        public Integer call() {
            int n = withRegistry(store, reg -> {
                if (version != null) {
                    reg.delete(name, version);
                    return 1;
                }
                return reg.delete(name);
            });
            spec.commandLine().getOut().println("Deleted '" + name + "'" + (version != null ? " version " + version
                    : " (" + n + " version" + (n == 1 ? "" : "s") + ")") + " from experiment '" + store.experiment + "'.");
            return 0;
        }
    }

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
            Table t = new Table("NAME", ">VERSION", "KIND", "STATE", ">SAMPLE RATE", "FILTER", "HEALTH", ">PENDING",
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
                        t.row(v.name(), v.version(), v.definition().kind(), state(v), pct(v.sampling().sampleRate()),
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
