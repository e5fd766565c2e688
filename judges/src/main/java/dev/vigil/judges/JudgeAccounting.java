package dev.vigil.judges;

import dev.vigil.spi.judge.JudgeException;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** The totals of a {@link JudgeRuntime} ({@link JudgeStats}) and its meters, updated once per call. Thread-safe. */
final class JudgeAccounting {
    private final JudgeMeter meter;
    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();
    private final DoubleAdder cost = new DoubleAdder();

    JudgeAccounting(JudgeMeter meter) {
        this.meter = meter;
    }

    /** Counts a call, before it is answered (also when it then fails in an unexpected way). */
    void called() {
        calls.increment();
    }

    void cached(JudgeOutcome o) {
        cacheHits.increment();
        meter.record(o, null);
    }

    void failed(JudgeOutcome o, JudgeException e) {
        failures.increment();
        meter.record(o, e);
    }

    void answered(JudgeOutcome o) {
        if (o.response().inputTokens() > 0) {
            inputTokens.add(o.response().inputTokens());
        }
        if (o.response().outputTokens() > 0) {
            outputTokens.add(o.response().outputTokens());
        }
        if (o.costUsd() != null) {
            cost.add(o.costUsd());
        }
        meter.record(o, null);
    }

    JudgeStats stats() {
        return new JudgeStats(calls.sum(), failures.sum(), cacheHits.sum(), inputTokens.sum(), outputTokens.sum(),
                cost.sum());
    }
}
