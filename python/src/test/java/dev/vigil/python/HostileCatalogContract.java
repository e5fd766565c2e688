package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile scorer catalog, run against one isolation level: every scorer is blocked or stopped with an error
 * feedback that says what happened, and the next trace is scored normally by a well-behaved scorer.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class HostileCatalogContract {
    private static final AtomicInteger TRACE_IDS = new AtomicInteger();

    abstract Isolation isolation();

    /** A hostile scorer: its body, and the error codes that count as "blocked or stopped". */
    record Hostile(String name, String source, Set<String> codes, String messageFragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Hostile hostile(String name, String body, Set<String> codes, String fragment) {
        String src = "from mlflow.genai.scorers import scorer\n\n@scorer\ndef " + name + "(inputs, outputs):\n"
                + body.indent(4);
        return new Hostile(name, src, codes, fragment);
    }

    static final Set<String> STOPPED = Set.of("TIMEOUT", "MEMORY_BUDGET_EXCEEDED");
    static final Set<String> STOPPED_OR_MEMORY = Set.of("TIMEOUT", "MEMORY_BUDGET_EXCEEDED", "MemoryError",
            "MEMORY_EXHAUSTED", "WORKER_CRASHED");

    static Stream<Hostile> common() {
        return Stream.of(
                hostile("read_passwd", "return open('/etc/passwd').read()",
                        Set.of("PermissionError", "OSError"), ""),
                hostile("write_file", "open('/tmp/vigil-hostile-write.txt', 'w').write('owned')\nreturn True",
                        Set.of("PermissionError", "OSError"), ""),
                hostile("os_system", "import os\nreturn os.system('touch /tmp/vigil-hostile-system.txt')",
                        Set.of("SANDBOX_DENIED", "PermissionError"), ""),
                hostile("run_subprocess", "import subprocess\nreturn str(subprocess.run(['id']))",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("socket_connect", "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', 9))\nreturn 1",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("urllib_fetch", "import urllib.request\nreturn urllib.request.urlopen('http://127.0.0.1:9/').read()",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("import_java", "import java\nreturn java.type('java.lang.System').getenv('HOME')",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("host_lookup", "import __graalpython__\nreturn 1",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("polyglot_eval", "import polyglot\nreturn polyglot.eval(language='python', string='1')",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("start_thread", "import _thread\n_thread.start_new_thread(print, ('from a thread',))\nreturn 1",
                        Set.of("SANDBOX_DENIED", "RuntimeError"), ""),
                hostile("load_ctypes", "import ctypes\nreturn str(ctypes.CDLL(None))",
                        Set.of("ImportError"), "not available in the Vigil sandbox"),
                hostile("infinite_loop", "while True:\n    pass", STOPPED, "budget"),
                hostile("sleep_forever", "import time\ntime.sleep(1e6)\nreturn 1", STOPPED, "budget"),
                hostile("memory_bomb", "return len([0] * 10**10)", Set.of("OverflowError", "MemoryError",
                        "MEMORY_BUDGET_EXCEEDED", "TIMEOUT"), ""),
                hostile("growing_strings", "xs = []\nwhile True:\n    xs.append('x' * 1000 + str(len(xs)))",
                        STOPPED_OR_MEMORY, ""),
                hostile("deep_recursion", "import sys\nsys.setrecursionlimit(10**7)\ndef f(n):\n    return f(n + 1) + 1\nreturn f(0)",
                        Set.of("RecursionError", "MemoryError"), ""),
                hostile("regex_backtracking", "import re\nreturn bool(re.match(r'^(a+)+\\1$', 'a' * 64 + 'b'))", STOPPED,
                        "budget"),
                hostile("huge_output", "while True:\n    print('spam' * 1000)", Set.of("OUTPUT_LIMIT_EXCEEDED"),
                        "output limit"),
                hostile("sys_exit", "import sys\nsys.exit(0)", Set.of("SystemExit"), "not allowed"),
                hostile("patch_shim", "import mlflow.entities as e\ne.Feedback = dict\nreturn 1",
                        Set.of("AttributeError"), "read-only"),
                hostile("patch_shim_class", "from mlflow.entities import Feedback\nFeedback.__init__ = None\nreturn 1",
                        Set.of("AttributeError", "TypeError"), "read-only"),
                hostile("patch_builtins", "import builtins\nbuiltins.len = lambda x: -1\nreturn 1",
                        Set.of("AttributeError"), "read-only"));
    }

    abstract Stream<Hostile> uncancellable();

    Stream<Arguments> catalog() {
        return Stream.concat(common(), uncancellable()).map(Arguments::of);
    }

    static final String NORMAL = """
            from mlflow.genai.scorers import scorer
            from mlflow.entities import Feedback

            @scorer
            def normal(inputs, outputs):
                text = outputs.get("response", "")
                return Feedback(value=len(text), rationale="length of " + inputs.get("query", ""))
            """;

    private PythonScorer normal;

    /** Starts the level's runtime (a child JVM takes a while on a busy machine) before the timed tests. */
    @org.junit.jupiter.api.BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void startRuntime() {
        normal();
    }

    private synchronized PythonScorer normal() {
        if (normal == null) {
            normal = TestSandboxes.scorer("normal", NORMAL, isolation());
        }
        return normal;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalog")
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void hostileScorer_isBlockedOrStopped_andTheNextTraceIsScoredNormally(Hostile h) throws Exception {
        PythonScorer scorer = TestSandboxes.scorer(h.name(), h.source(), isolation());
        int id = TRACE_IDS.incrementAndGet();
        Object result = scorer.score(TestSandboxes.input("h" + id, "question " + id, "answer " + id));

        assertThat(result).as("%s returned %s", h.name(), result).isInstanceOf(Feedback.class);
        Feedback f = (Feedback) result;
        assertThat(f.error()).as("%s: %s", h.name(), f).isNotNull();
        assertThat(h.codes()).as("%s error %s", h.name(), f.error()).contains(f.error().code());
        assertThat(f.error().message()).as("%s", h.name()).isNotBlank().contains(h.messageFragment());
        assertThat(Path.of("/tmp/vigil-hostile-write.txt")).doesNotExist();
        assertThat(Path.of("/tmp/vigil-hostile-system.txt")).doesNotExist();

        int next = TRACE_IDS.incrementAndGet();
        String response = "the next answer " + next;
        Object ok = normal().score(TestSandboxes.input("n" + next, "q" + next, response));
        assertThat(ok).isEqualTo(new Feedback(Feedback.DEFAULT_NAME, (long) response.length(), null,
                "length of q" + next, java.util.Map.of(), null, null));
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void stateLeak_globalRebindsDoNotSurviveACall() throws Exception {
        PythonScorer s = TestSandboxes.scorer("counter", """
                calls = 0

                @scorer
                def counter(outputs):
                    global calls
                    calls += 1
                    return calls
                """.replace("calls = 0", "from mlflow.genai.scorers import scorer\ncalls = 0"), isolation());
        assertThat(s.score(TestSandboxes.input("c1", "q", "a"))).isEqualTo(1L);
        assertThat(s.score(TestSandboxes.input("c2", "q", "a"))).isEqualTo(1L);
        assertThat(s.score(TestSandboxes.input("c3", "q", "a"))).isEqualTo(1L);
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void overrunningScorer_isQuarantinedAfterRepeatedOverruns() throws Exception {
        PythonScorer s = TestSandboxes.scorer("loops_forever", """
                from mlflow.genai.scorers import scorer

                @scorer
                def loops_forever(outputs):
                    while True:
                        pass
                """, isolation());
        for (int i = 0; i < 3; i++) {
            Feedback f = (Feedback) s.score(TestSandboxes.input("q" + i, "q", "a"));
            assertThat(f.error().code()).isEqualTo("TIMEOUT");
        }
        assertThat(s.status().state()).isEqualTo(ScorerStatus.State.QUARANTINED);
        assertThat(s.status().reason()).contains("overran its budget 3 times");
        Feedback refused = (Feedback) s.score(TestSandboxes.input("q4", "q", "a"));
        assertThat(refused.error().code()).isEqualTo(PythonScorer.QUARANTINED);
        assertThat(refused.error().message()).isEqualTo(s.status().reason());
    }

    /** Waits (bounded) for a condition the sandbox reaches asynchronously. */
    static void await(Duration max, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(max);
        while (!condition.getAsBoolean() && Instant.now().isBefore(end)) {
            Thread.sleep(50);
        }
    }

    static List<String> leftovers() throws Exception {
        return Files.exists(Path.of("/tmp/vigil-hostile-write.txt")) ? List.of("write") : List.of();
    }
}
