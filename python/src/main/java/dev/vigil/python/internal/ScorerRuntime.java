package dev.vigil.python.internal;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;
import java.util.function.Consumer;

/** Where Python scorers run: in this JVM, or in child JVMs. Thread-safe. */
public interface ScorerRuntime extends AutoCloseable {

    /**
     * Compiles and loads a scorer's source once, to report its errors at registration.
     *
     * @param name the scorer's name
     * @param source its source
     * @param entry the entry point, or null to find the {@code @scorer} function
     * @return what was found
     * @throws dev.vigil.python.PythonSourceException if the source does not compile or load, with line and column
     */
    Analysis analyze(String name, String source, String entry);

    /**
     * Scores one input. Never throws for a failure of the scorer: that comes back as an error feedback.
     *
     * @param code the scorer
     * @param input its input
     * @param onWrittenOff told (from another thread) when a call overran and could not be stopped
     * @return the outcome
     */
    Outcome call(ScorerCode code, ScorerInput input, Consumer<String> onWrittenOff);

    /**
     * Scores one session with a session scorer (one whose function takes {@code session}). Never throws for a
     * failure of the scorer: that comes back as an error feedback.
     *
     * @param code the session scorer
     * @param turns the session's traces, in turn order
     * @param onWrittenOff told (from another thread) when a call overran and could not be stopped
     * @return the outcome
     */
    Outcome callSession(ScorerCode code, List<Trace> turns, Consumer<String> onWrittenOff);

    @Override
    void close();
}
