package dev.vigil.cli;

import static dev.vigil.cli.ScorersCommand.describe;
import static dev.vigil.cli.ScorersCommand.withRegistry;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.judges.Judges;
import dev.vigil.judges.LlmJudge;
import dev.vigil.python.PythonScorer;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil scorers register}: where a scorer comes from and how it is registered. */
final class ScorerRegistration {
    private ScorerRegistration() {}

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
                        + "custom-prompt; or a session (multi-turn) judge: user-frustration, "
                        + "conversation-completeness, conversational-safety, knowledge-retention, "
                        + "conversational-tool-efficiency, conversational-role-adherence, "
                        + "conversational-guidelines (with --guidelines).")
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
                case "user-frustration", "user_frustration" -> Judges.userFrustration();
                case "conversation-completeness", "conversation_completeness" -> Judges.conversationCompleteness();
                case "conversational-safety", "conversational_safety" -> Judges.conversationalSafety();
                case "knowledge-retention", "knowledge_retention" -> Judges.knowledgeRetention();
                case "conversational-tool-efficiency", "conversational-tool-call-efficiency",
                        "conversational_tool_call_efficiency" -> Judges.conversationalToolCallEfficiency();
                case "conversational-role-adherence", "conversational_role_adherence" ->
                        Judges.conversationalRoleAdherence();
                case "conversational-guidelines", "conversational_guidelines" -> {
                    if (guidelines == null || guidelines.isEmpty()) {
                        throw new UserError("--judge conversational-guidelines needs at least one --guidelines"
                                + " \"The assistant must ...\"");
                    }
                    yield Judges.conversationalGuidelines(name, guidelines);
                }
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
                        + "tool-correctness, tool-efficiency, expectations-guidelines, guidelines, custom-prompt; session"
                        + " judges: user-frustration, conversation-completeness, conversational-safety,"
                        + " knowledge-retention, conversational-tool-efficiency, conversational-role-adherence,"
                        + " conversational-guidelines");
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

}
