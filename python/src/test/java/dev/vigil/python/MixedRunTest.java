package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile and normal scorers together over 1,000 traces (200 in child JVMs), from two threads as the engine calls them: every normal
 * result is correct, every hostile call is an error feedback, and the scorers that keep overrunning end up
 * quarantined.
 */
class MixedRunTest {
    private static final int TRACES = 1000;

    private static final Map<String, String> HOSTILE = Map.of(
            "reads_passwd", "def reads_passwd(outputs):\n    return open('/etc/passwd').read()\n",
            "loops", "def loops(outputs):\n    while True:\n        pass\n",
            "grows", "def grows(outputs):\n    xs = []\n    while True:\n        xs.append('x' * 10000)\n",
            "patches_shim", "def patches_shim(outputs):\n    import mlflow.entities as e\n    e.Feedback = dict\n",
            "uses_numpy", "def uses_numpy(outputs):\n    import numpy\n    return 1\n",
            "exits", "def exits(outputs):\n    import sys\n    sys.exit(1)\n",
            "prints", "def prints(outputs):\n    while True:\n        print('spam' * 100)\n");

    @ParameterizedTest
    @EnumSource(Isolation.class)
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // a hang guard only: the run's length depends on the machine
    void mixedRun_everyNormalResultIsCorrect_andHostileOnesAreErrors(Isolation isolation) throws Exception {
        Map<String, PythonScorer> normal = new LinkedHashMap<>();
        normal.put("mentions_databricks", TestSandboxes.scorer("mentions_databricks",
                SeedScorersTest.MENTIONS_DATABRICKS, isolation));
        normal.put("response_length", TestSandboxes.scorer("response_length", SeedScorersTest.RESPONSE_LENGTH,
                isolation));
        normal.put("response_relevance_score", TestSandboxes.scorer("response_relevance_score",
                SeedScorersTest.RESPONSE_RELEVANCE, isolation));
        normal.put("well_designed_scorer", TestSandboxes.scorer("well_designed_scorer",
                "from mlflow.genai.scorers import scorer\n" + SeedScorersTest.WELL_DESIGNED, isolation));
        List<PythonScorer> hostile = new ArrayList<>();
        HOSTILE.forEach((name, src) -> hostile.add(TestSandboxes.scorer(name, src, isolation)));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<String>>> results = new ArrayList<>();
        // PROCESS pays a pipe round trip and JSON per call (11 calls per trace): 200 traces keep the run short.
        int traces = isolation == Isolation.IN_PROCESS ? TRACES : 200;
        for (int t = 0; t < 2; t++) {
            int first = t;
            results.add(pool.submit(() -> {
                List<String> wrong = new ArrayList<>();
                for (int i = first; i < traces; i += 2) {
                    String query = "what is databricks number " + i;
                    String response = (i % 3 == 0 ? "Databricks " : "A platform ") + "answer ".repeat(i % 40) + i;
                    ScorerInput in = TestSandboxes.input("m" + isolation + i, query, response);
                    for (PythonScorer h : hostile) {
                        Object r = h.score(in);
                        if (!(r instanceof Feedback f) || f.error() == null) {
                            wrong.add(h.name() + " on trace " + i + " returned " + r);
                        }
                    }
                    check(wrong, normal.get("mentions_databricks").score(in), response.toLowerCase(Locale.ROOT)
                            .contains("databricks"), i);
                    check(wrong, normal.get("response_length").score(in), (long) response.length(), i);
                    check(wrong, normal.get("response_relevance_score").score(in), relevance(query, response), i);
                    check(wrong, normal.get("well_designed_scorer").score(in), response.length() > 100 ? 1.0 : 0.0, i);
                }
                return wrong;
            }));
        }
        List<String> wrong = new ArrayList<>();
        for (Future<List<String>> f : results) {
            wrong.addAll(f.get(19, TimeUnit.MINUTES));
        }
        pool.shutdown();
        assertThat(wrong).isEmpty();
        for (PythonScorer h : hostile) {
            // the two that never end on their own overrun their budget on every call and are quarantined; the
            // endless printer is stopped at once by the output limit (an error, not an overrun)
            if (Set.of("loops", "grows").contains(h.name())) {
                assertThat(h.status().state()).as(h.name()).isEqualTo(ScorerStatus.State.QUARANTINED);
            } else {
                assertThat(h.status().state()).as(h.name()).isEqualTo(ScorerStatus.State.ACTIVE);
            }
        }
    }

    private static void check(List<String> wrong, Object actual, Object expected, int trace) {
        if (!expected.equals(actual)) {
            wrong.add("trace " + trace + ": expected " + expected + " got " + actual);
        }
    }

    private static double relevance(String query, String response) {
        Set<String> q = new java.util.HashSet<>(List.of(query.toLowerCase(Locale.ROOT).split("\\s+")));
        Set<String> r = new java.util.HashSet<>(List.of(response.toLowerCase(Locale.ROOT).split("\\s+")));
        if (q.isEmpty()) {
            return 0.0;
        }
        long overlap = q.stream().filter(r::contains).count();
        return (double) overlap / q.size();
    }
}
