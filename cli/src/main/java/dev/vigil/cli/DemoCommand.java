package dev.vigil.cli;

import dev.vigil.cli.demo.DemoApp;
import dev.vigil.cli.demo.DemoScorers;
import dev.vigil.cli.report.QualityReport;
import dev.vigil.cli.report.Stat;
import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.python.PythonScorer;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vigil demo}: a simulated GenAI application logs traces while scorers of every kind score them live;
 * then a per-scorer table, a backfill of a newly registered scorer with its progress bar, and the HTML report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Run the demo on the embedded store: a simulated RAG chatbot and tool agent log traces, Java and Python "
                + "scorers (and LLM judges when VIGIL_JUDGE_MODEL and its key are set) score them live, then a "
                + "per-scorer table, a backfill with its progress bar, and an HTML report."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Option(names = "--duration", defaultValue = "20s", paramLabel = "TIME",
            description = "How long the application runs, e.g. 20s, 2m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--rate", defaultValue = "25", paramLabel = "N",
            description = "Traces per second the application logs (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = {"-o", "--out"}, defaultValue = "vigil-demo-report.html", paramLabel = "FILE",
            description = "Where the HTML report goes (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulated application (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-python", description = "Leave out the Python scorers (GraalPy takes a few seconds to start).")
    boolean noPython;

    /** The demo's experiment unless -e names another. */
    static final String DEMO_EXPERIMENT = "vigil-demo";

    record Planned(String name, String kind, Scorer scorer, SamplingConfig sampling) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Duration runFor = parseDuration(duration);
        if (rate < 1 || rate > 2000) {
            throw new UserError("--rate must be 1..2000 traces per second, got " + rate);
        }
        Clock clock = Clock.systemUTC();
        if (!spec.commandLine().getParseResult().hasMatchedOption("--experiment")
                && System.getenv("VIGIL_EXPERIMENT") == null) {
            store.experiment = DEMO_EXPERIMENT;
        }
        try (StopSignal stop = new StopSignal(); Store s = store.open(); Vigil vigil = store.vigil(s)) {
            ExperimentHandle exp = vigil.experiment(store.experiment);
            out.println("Vigil demo: a simulated RAG chatbot and tool agent log traces to experiment '" + exp.name()
                    + "' in " + s.describe() + ".");
            List<Planned> plan = plan(out);
            DemoApp app = new DemoApp(seed, exp.id());
            Trace sample = app.next(clock.instant().minusSeconds(1));
            List<String> started = new ArrayList<>();
            for (Planned p : plan) {
                if (p.kind().equals("python")) {
                    ScorerInput in = ScorerInput.of(sample);
                    p.scorer().score(in); // warms the sandbox up before traces flow
                }
                RegisteredScorer r = registerIfChanged(exp.scorers(), p);
                r.start(p.sampling());
                started.add(p.name());
            }
            out.printf("Started %d scorers: %s.%n", started.size(), String.join(", ", started));

            Instant begin = clock.instant();
            vigil.startMonitoring();
            AtomicLong logged = new AtomicLong();
            Thread producer = Thread.ofPlatform().name("demo-app").daemon().start(() -> produce(exp, app, clock,
                    runFor, rate, stop, logged));
            LiveLine line = new LiveLine(out, LiveLine.isTerminal(), 5000);
            long t0 = System.nanoTime();
            while (producer.isAlive() && !stop.requested()) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                line.update(status(vigil.stats(exp.id()), ms, runFor, logged.get()), ms);
                stop.pause(500);
            }
            producer.join(5000);
            // let the engine finish the traces already logged: wait for the condition, not for a fixed time
            DemoDrain.Outcome drained = DemoDrain.await(() -> vigil.stats(exp.id()), logged.get(), stop::requested,
                    stop::pause, System::nanoTime, DemoDrain.LIMIT, snap -> {
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        line.update(status(snap, ms, runFor, logged.get()) + "  draining", ms);
                    });
            line.finish(status(vigil.stats(exp.id()), (System.nanoTime() - t0) / 1_000_000, runFor, logged.get()));
            Instant end = clock.instant().plusMillis(1);
            if (drained == DemoDrain.Outcome.TIMED_OUT) {
                EngineStats.Snapshot left = vigil.stats(exp.id());
                out.println("Stopped waiting after " + DemoDrain.LIMIT.toMinutes() + " minutes with "
                        + left.queueDepth() + " runs queued and a lag of " + left.cursorLag()
                        + " traces: the table below is partial; 'vigil monitor' scores the rest.");
            }
            out.println();
            printTable(out, s, exp, vigil.stats(exp.id()), plan, begin, end, clock);
            DemoMonitor.show(out, s, exp.id(), clock);
            DemoSessions.show(out, vigil, exp.name() + "-chats", clock, seed);

            if (!stop.requested()) {
                out.println();
                out.println("A new scorer 'concise' (responses of at most 200 characters), backfilled over this run:");
                RegisteredScorer concise = registerIfChanged(exp.scorers(), new Planned("concise", "java",
                        Scorers.ofClass("concise", DemoScorers.Concise.class), SamplingConfig.STOPPED));
                String job = exp.backfill(List.of(BackfillScorer.of(concise.name(), 1.0)), begin, end);
                BackfillProgress p = BackfillWatch.follow(exp, job, new LiveLine(out, LiveLine.isTerminal(), 2000),
                        stop, 120_000);
                if (!p.status().isTerminal()) {
                    out.println("The backfill goes on in the background: see 'vigil jobs " + job + "'.");
                }
            }

            Experiment e = s.experiments().findByName(exp.name()).orElseThrow();
            Path written = ReportCommand.write(s, e, this.out, begin.minusSeconds(1), clock.instant().plusMillis(1),
                    clock.instant(), 50);
            out.println();
            out.println("Report: " + written.toAbsolutePath().normalize() + " (open it in a browser; no network needed)");
            out.println("Next: ./vigil scorers list -e " + exp.name() + "   ./vigil scorers try is_english -e "
                    + exp.name() + " --last 5   ./vigil monitor -e " + exp.name() + "   ./vigil monitors list -e "
                    + exp.name());
            return stop.requested() ? 130 : 0;
        }
    }

    private static Duration parseDuration(String text) {
        try {
            TimeArg t = TimeArg.parse(text);
            if (t.ago() == null || t.ago().isZero() || t.ago().isNegative()) {
                throw new UserError("--duration must be a length of time like 20s or 2m, got '" + text + "'");
            }
            return t.ago();
        } catch (picocli.CommandLine.TypeConversionException ex) {
            throw new UserError("--duration must be a length of time like 20s or 2m, got '" + text + "'");
        }
    }

    private List<Planned> plan(PrintWriter out) {
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned("is_english", "java", Scorers.ofClass("is_english", DemoScorers.IsEnglish.class),
                SamplingConfig.of(1.0)));
        plan.add(new Planned("no_secrets", "java", Scorers.ofClass("no_secrets", DemoScorers.NoSecrets.class),
                SamplingConfig.of(1.0)));
        plan.add(new Planned("fast_enough", "java", Scorers.ofClass("fast_enough", DemoScorers.FastEnough.class),
                SamplingConfig.of(0.5)));
        plan.add(new Planned("grounding", "java", Scorers.ofClass("grounding", DemoScorers.Grounding.class),
                SamplingConfig.of(0.7, "tags.app = 'rag'")));
        plan.add(new Planned("tools_succeeded", "java",
                Scorers.ofClass("tools_succeeded", DemoScorers.ToolsSucceeded.class),
                SamplingConfig.of(1.0, "tags.app = 'agent'")));
        if (!noPython) {
            // The seed's Python scorers read outputs["response"]: a failed request has no outputs (None), so they
            // sample the successful traces only, as MLflow's examples do with a filter.
            plan.add(new Planned("databricks_mentions", "python",
                    PythonScorer.fromSource("databricks_mentions", resource("mentions_databricks.py")),
                    SamplingConfig.of(0.5, "trace.status = 'OK'")));
            plan.add(new Planned("response_length", "python",
                    PythonScorer.fromSource("response_length", resource("response_length.py")),
                    SamplingConfig.of(1.0, "trace.status = 'OK'")));
            plan.add(new Planned("response_relevance_score", "python",
                    PythonScorer.fromSource("response_relevance_score", resource("response_relevance_score.py")),
                    SamplingConfig.of(1.0, "tags.app = 'rag' AND trace.status = 'OK'")));
        }
        plan.addAll(judges(out));
        return plan;
    }

    /** The seed's judges when a judge model and its key are configured; otherwise one line saying why not. */
    private static List<Planned> judges(PrintWriter out) {
        String names = "safety, english (Guidelines), my_formality_judge (custom prompt)";
        var model = JudgeRuntime.shared().defaultModel();
        if (model.isEmpty()) {
            out.println("LLM judges skipped (" + names + "): set VIGIL_JUDGE_MODEL (e.g. openai:/gpt-4o-mini) "
                    + "and its key (e.g. OPENAI_API_KEY) to run them.");
            return List.of();
        }
        try {
            List<Planned> judges = new ArrayList<>();
            judges.add(new Planned("safety", "judge", Judges.safety().name("safety").build().check(),
                    SamplingConfig.of(0.5)));
            judges.add(new Planned("english", "judge", Judges.guidelines("english",
                    List.of("The response must be in English")).build().check(), SamplingConfig.of(0.5)));
            judges.add(new Planned("my_formality_judge", "judge", Judges.customPrompt("my_formality_judge",
                    resource("formality.txt"), Map.of("formal", 1, "semi_formal", 0.5, "not_formal", 0)).build().check(),
                    SamplingConfig.of(0.1)));
            out.println("LLM judges on " + model.get() + ": " + names + ".");
            return judges;
        } catch (InvalidInputException e) {
            out.println("LLM judges skipped (" + names + "): " + e.getMessage());
            return List.of();
        }
    }

    static String resource(String name) {
        try (InputStream in = DemoApp.class.getResourceAsStream(name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a scorer unless its latest version has the same definition (re-running the demo adds none). */
    private static RegisteredScorer registerIfChanged(ScorerRegistry registry, Planned p) {
        var existing = registry.find(p.name());
        if (existing.isPresent() && existing.get().definition().equals(p.scorer().definition())) {
            return existing.get();
        }
        return registry.register(p.scorer(), p.name());
    }

    private static void produce(ExperimentHandle exp, DemoApp app, Clock clock, Duration runFor, int perSecond,
            StopSignal stop, AtomicLong logged) {
        long start = System.nanoTime();
        long end = start + runFor.toNanos();
        long intervalNanos = 100_000_000L; // log in small batches, ten times a second
        while (System.nanoTime() < end && !stop.requested()) {
            long tick = System.nanoTime();
            List<Trace> batch = new ArrayList<>();
            long due = (long) ((tick - start) / 1e9 * perSecond) + 1 - logged.get();
            for (long i = 0; i < due; i++) {
                batch.add(app.next(clock.instant()));
            }
            if (!batch.isEmpty()) {
                exp.log(batch);
                logged.addAndGet(batch.size());
            }
            long sleep = intervalNanos - (System.nanoTime() - tick);
            if (sleep > 0) {
                stop.pause(sleep / 1_000_000);
            }
        }
    }

    private static String status(EngineStats.Snapshot s, long ms, Duration runFor, long logged) {
        long scored = 0;
        long failed = 0;
        for (EngineStats.ScorerCounts c : s.scorers().values()) {
            scored += c.scored();
            failed += c.failed();
        }
        return String.format(Locale.ROOT, "%3ds/%ds  traces logged %d  seen %d  scored %d  errors %d  queue %d  lag %d",
                Math.min(ms / 1000, runFor.toSeconds()), runFor.toSeconds(), logged, s.tracesSeen(), scored, failed,
                s.queueDepth(), s.cursorLag());
    }

    private static void printTable(PrintWriter out, Store s, ExperimentHandle exp, EngineStats.Snapshot stats,
            List<Planned> plan, Instant from, Instant to, Clock clock) {
        Experiment e = s.experiments().findByName(exp.name()).orElseThrow();
        QualityReport q = QualityReport.collect(s, e, from, to, clock.instant(), 0);
        Map<String, Stat> overall = new LinkedHashMap<>();
        for (QualityReport.ScorerSection sec : q.scorers()) {
            for (QualityReport.Series se : sec.series()) {
                if (se.feedbackName().equals(se.scorer()) || !overall.containsKey(se.scorer())) {
                    overall.put(se.scorer(), se.overall());
                }
            }
        }
        Table t = new Table("SCORER", "KIND", ">RATE", ">SEEN", ">SAMPLED", ">SCORED", ">ERRORS", "VALUE [95% CI]");
        for (Planned p : plan) {
            EngineStats.ScorerCounts c = stats.scorer(p.name());
            Stat st = overall.get(p.name());
            String value = st == null || !st.hasValue() ? "–"
                    : (st.kind() == Stat.Kind.PASS_RATE ? "pass " : "mean ") + st.format();
            // errors: error feedback stored (a scorer that raised, timed out or returned garbage)
            long errors = st == null ? c.failed() : Math.max(c.failed(), st.errors());
            t.row(p.name(), p.kind(), ScorersCommand.pct(p.sampling().sampleRate()), stats.tracesSeen(), c.sampled(),
                    c.scored(), errors, value);
        }
        t.print(out);
    }
}
