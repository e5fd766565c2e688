package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.Map;
import java.util.concurrent.Callable;

/** Scorers for engine tests. */
public final class TestScorers {
    private TestScorers() {}

    /** A scorer body that may throw checked exceptions. */
    @FunctionalInterface
    public interface Body {
        /** @param input the input @return the result @throws Exception any */
        Object score(ScorerInput input) throws Exception;
    }

    /**
     * @param name name
     * @param workload CPU or IO
     * @param body what it does
     * @return a scorer kept live by the registry (lambda definition)
     */
    public static Scorer of(String name, Scorer.Workload workload, Body body) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object score(ScorerInput input) throws Exception {
                return body.score(input);
            }

            @Override
            public ScorerDefinition definition() {
                return new ScorerDefinition("java", Map.of("lambda", name));
            }

            @Override
            public Workload workload() {
                return workload;
            }

            @Override
            public AssessmentSource source() {
                return workload == Workload.IO ? AssessmentSource.llmJudge("fakeai:/judge-1") : AssessmentSource.code(name);
            }
        };
    }

    /** @param c a callable @return its value, rethrown unchecked */
    static <T> T unchecked(Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** A decodable (class-based) scorer: the length of the outputs' text. Public with a no-arg constructor. */
    public static final class OutputLength implements dev.vigil.core.scorer.CodeScorer {
        /** Creates it. */
        public OutputLength() {}

        @Override
        public Object score(ScorerInput input) {
            return input.outputText().length();
        }
    }
}
