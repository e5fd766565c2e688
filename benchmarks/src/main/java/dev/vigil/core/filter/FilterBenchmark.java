package dev.vigil.core.filter;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One filter decision: a compiled {@link TraceFilter} versus a plain Java predicate doing the same check, on the
 * same 256 traces (each clause holds for roughly half or more of them), in the same run. The filter reads the
 * trace state, a tag, the duration and any span's type:
 * {@value #FILTER}
 *
 * <p>{@code handWrittenFromFields} is not a reference but an explanation: the same plain Java check with its
 * constants ({@code "env"}, {@code "prod"}, 1000, {@code "RETRIEVER"}, the state) read from instance fields, as any
 * filter built at run time must read them. The literals of {@code handWritten} are compile-time constants C2 folds
 * into the code (a string compare against a known length and content, a pre-computed key hash); the gap between
 * {@code handWritten} and {@code handWrittenFromFields} is what that folding is worth.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class FilterBenchmark {

    static final String FILTER = "attributes.status = 'OK' AND tags.env = 'prod' "
            + "AND attributes.execution_time_ms > 1000 AND span.type = 'RETRIEVER'";

    private final TraceFilter compiled = TraceFilter.parse(FILTER);
    private Trace[] traces;
    private int next;

    /** Fixed traces from a fixed seed. */
    @Setup
    public void traces() {
        Random r = new Random(7);
        traces = new Trace[256];
        for (int i = 0; i < traces.length; i++) {
            String id = "tr-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
            TraceInfo info = TraceInfo.builder().traceId(id).experimentId("1")
                    .requestTime(Instant.ofEpochMilli(1_717_200_000_000L + i))
                    .executionDurationMs((long) r.nextInt(2000))
                    .state(r.nextInt(10) < 8 ? TraceState.OK : TraceState.ERROR)
                    .tag("env", r.nextBoolean() ? "prod" : "dev").tag("mlflow.traceName", "chat")
                    .traceMetadata("mlflow.user", "u" + i).build();
            List<Span> spans = new ArrayList<>();
            spans.add(Span.builder().traceId(id).spanId("root").name("chat").spanType(SpanTypes.AGENT)
                    .status(SpanStatus.OK).build());
            spans.add(Span.builder().traceId(id).spanId("llm").parentSpanId("root").name("llm")
                    .spanType(SpanTypes.CHAT_MODEL).status(SpanStatus.OK).build());
            if (r.nextBoolean()) {
                spans.add(Span.builder().traceId(id).spanId("ret").parentSpanId("root").name("retrieve")
                        .spanType(SpanTypes.RETRIEVER).status(SpanStatus.OK).build());
            }
            traces[i] = new Trace(info, spans);
        }
        for (Trace t : traces) {
            if (compiled.test(t) != handWritten(t) || fromFields(t) != handWritten(t)) {
                throw new IllegalStateException("the predicates disagree on " + t.traceId());
            }
        }
    }

    /** @return the compiled filter's decision */
    @Benchmark
    public boolean compiled() {
        return compiled.test(traces[next = (next + 1) & 255]);
    }

    /** @return the hand-written predicate's decision */
    @Benchmark
    public boolean handWritten() {
        return handWritten(traces[next = (next + 1) & 255]);
    }

    /** The check's constants as fields: not {@code static final}, so C2 cannot fold them. */
    private TraceState okState = TraceState.OK;
    private String envKey = "env";
    private String prodValue = "prod";
    private long minMs = 1000;
    private String retrieverType = SpanTypes.RETRIEVER;

    /** @return the hand-written decision with its constants read from fields */
    @Benchmark
    public boolean handWrittenFromFields() {
        return fromFields(traces[next = (next + 1) & 255]);
    }

    private boolean fromFields(Trace t) {
        TraceInfo info = t.info();
        if (info.state() != okState || !prodValue.equals(info.tags().get(envKey))) {
            return false;
        }
        Long ms = info.executionDurationMs();
        if (ms == null || ms <= minMs) {
            return false;
        }
        for (Span s : t.spans()) {
            if (retrieverType.equals(s.spanType())) {
                return true;
            }
        }
        return false;
    }

    private static boolean handWritten(Trace t) {
        TraceInfo info = t.info();
        if (info.state() != TraceState.OK || !"prod".equals(info.tags().get("env"))) {
            return false;
        }
        Long ms = info.executionDurationMs();
        if (ms == null || ms <= 1000) {
            return false;
        }
        for (Span s : t.spans()) {
            if (s.spanType().equals(SpanTypes.RETRIEVER)) {
                return true;
            }
        }
        return false;
    }
}
