package dev.vigil.python;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One warm call of the same Python scorer three ways: GraalPy in-process ({@link Isolation#IN_PROCESS}), GraalPy
 * in a child JVM ({@link Isolation#PROCESS}), and CPython 3 ({@code python3}) as a persistent worker process over
 * pipes with a JSON line protocol — what a Java team would build without GraalPy. Workloads: a trivial scorer,
 * token F1 over 150 words, and a regex over 10 KB.
 *
 * <p>Run from the repository root (the fork's {@code --upgrade-module-path} points at {@code python/target/jvmci},
 * filled by {@code ./mvnw -pl python -am process-test-classes}). The sandbox, its scorers and the CPython worker
 * are shared by every trial of a JVM, so {@code -f 0} with the same flags on the {@code java} command line measures
 * all nine combinations after a single start.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
        "--upgrade-module-path=python/target/jvmci", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Xmx4g"})
@State(Scope.Benchmark)
public class PythonScorerBenchmark {

    static final String TRIVIAL = """
            from mlflow.genai.scorers import scorer

            @scorer
            def trivial(outputs):
                return True
            """;

    static final String TOKEN_F1 = """
            from mlflow.genai.scorers import scorer

            @scorer
            def token_f1(outputs, expectations):
                from collections import Counter
                pred = outputs["response"].lower().split()
                gold = expectations["expected_response"].lower().split()
                common = Counter(pred) & Counter(gold)
                same = sum(common.values())
                if same == 0:
                    return 0.0
                precision = same / len(pred)
                recall = same / len(gold)
                return 2 * precision * recall / (precision + recall)
            """;

    static final String REGEX = """
            from mlflow.genai.scorers import scorer

            @scorer
            def regex_10k(outputs):
                import re
                return len(re.findall(r"\\b[a-z]+ing\\b|\\d{3}-\\d{4}", outputs["response"]))
            """;

    /** The workload. */
    @Param({"trivial", "tokenF1", "regex10k"})
    public String workload;

    private ScorerInput input;
    private String inputJson;
    private PythonScorer inProcess;
    private PythonScorer process;
    private CPythonWorker cpython;

    /** Builds (or reuses) the scorers of this workload. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Shared shared = Shared.get();
        String source = switch (workload) {
            case "trivial" -> TRIVIAL;
            case "tokenF1" -> TOKEN_F1;
            case "regex10k" -> REGEX;
            default -> throw new IllegalArgumentException(workload);
        };
        Random random = new Random(42);
        String response = switch (workload) {
            case "trivial" -> "yes";
            case "tokenF1" -> words(random, 150);
            default -> text(random, 10_000);
        };
        Map<String, Object> expectations = Map.of("expected_response", words(random, 150));
        input = ScorerInput.ofRecord(Map.of("query", "q"), Map.of("response", response), expectations);
        inputJson = Json.write(Map.of("outputs", Map.of("response", response), "expectations", expectations));
        inProcess = shared.scorer(workload, source, Isolation.IN_PROCESS);
        process = shared.scorer(workload, source, Isolation.PROCESS);
        cpython = shared.cpython(workload, source);
    }

    /** @return the in-process result */
    @Benchmark
    public Object graalpyInProcess() throws Exception {
        return inProcess.score(input);
    }

    /** @return the child-JVM result */
    @Benchmark
    public Object graalpyProcess() throws Exception {
        return process.score(input);
    }

    /** @return CPython's result (its JSON text) */
    @Benchmark
    public String cpythonWorker() throws IOException {
        return cpython.call(inputJson);
    }

    private static final String[] VOCAB = ("the a databricks platform data lake running testing spark model query "
            + "answer response vector index agent tool call retrieval is of and to in for on with").split(" ");

    static String words(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(VOCAB[r.nextInt(VOCAB.length)]);
        }
        return sb.toString();
    }

    static String text(Random r, int chars) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chars) {
            sb.append(VOCAB[r.nextInt(VOCAB.length)]).append(r.nextInt(20) == 0 ? " 555-" + (1000 + r.nextInt(9000)) : "")
                    .append(' ');
        }
        return sb.substring(0, chars);
    }

    /** What every trial in one JVM shares: the sandbox (one engine, one child JVM) and the CPython workers. */
    static final class Shared {
        private static Shared instance;
        private final PythonSandbox sandbox = PythonSandbox.builder().timeBudget(Duration.ofSeconds(60))
                .contexts(1).processes(1).build();
        private final Map<String, PythonScorer> scorers = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, CPythonWorker> workers = new java.util.concurrent.ConcurrentHashMap<>();

        static synchronized Shared get() {
            if (instance == null) {
                instance = new Shared();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    instance.sandbox.close();
                    instance.workers.values().forEach(CPythonWorker::close);
                }));
            }
            return instance;
        }

        PythonScorer scorer(String workload, String source, Isolation isolation) {
            return scorers.computeIfAbsent(workload + "/" + isolation, k -> PythonScorer.builder().name(workload)
                    .source(source).isolation(isolation).sandbox(sandbox).build());
        }

        CPythonWorker cpython(String workload, String source) {
            return workers.computeIfAbsent(workload, k -> {
                try {
                    return new CPythonWorker(source);
                } catch (IOException e) {
                    throw new IllegalStateException("python3 is needed for the CPython reference", e);
                }
            });
        }
    }

    /**
     * The reference: {@code python3} running the same scorer source in a loop, one JSON request per line on stdin,
     * one JSON result per line on stdout (a stand-in {@code mlflow.genai.scorers.scorer} decorator is installed).
     */
    static final class CPythonWorker {
        private static final String LOOP = """
                import sys, json, types, inspect
                m = types.ModuleType("mlflow"); g = types.ModuleType("mlflow.genai"); s = types.ModuleType("mlflow.genai.scorers")
                s.scorer = lambda f=None, **kw: f if f is not None else (lambda f: f)
                sys.modules.update({"mlflow": m, "mlflow.genai": g, "mlflow.genai.scorers": s})
                ns = {}
                exec(sys.argv[1], ns)
                fn = [v for v in ns.values() if inspect.isfunction(v)][-1]
                params = list(inspect.signature(fn).parameters)
                out = sys.stdout
                for line in sys.stdin:
                    req = json.loads(line)
                    out.write(json.dumps(fn(**{p: req.get(p) for p in params})))
                    out.write("\\n")
                    out.flush()
                """;
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;

        CPythonWorker(String source) throws IOException {
            process = new ProcessBuilder("python3", "-c", LOOP, source).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String call(String json) throws IOException {
            in.write(json);
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IOException("the CPython worker exited");
            }
            return line;
        }

        void close() {
            process.destroyForcibly();
        }
    }

    /** Prints one result of each, to check the three agree. */
    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String w : List.of("trivial", "tokenF1", "regex10k")) {
            PythonScorerBenchmark b = new PythonScorerBenchmark();
            b.workload = w;
            b.setUp();
            lines.add(w + ": " + b.graalpyInProcess() + " / " + b.graalpyProcess() + " / " + b.cpythonWorker());
        }
        lines.forEach(System.out::println);
        System.exit(0);
    }
}
