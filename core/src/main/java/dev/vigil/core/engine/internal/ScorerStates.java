package dev.vigil.core.engine.internal;

import dev.vigil.spi.store.PendingRetry;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.spi.model.Trace;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine knows of the scorers it runs: each experiment's active scorer versions (re-read every
 * {@code scorerRefresh}, or at once on {@link #refresh}), and which of them are paused after repeated
 * authentication failures. Thread-safe.
 */
final class ScorerStates {

    private static final Logger LOG = LoggerFactory.getLogger(ScorerStates.class);

    private record Snapshot(List<ActiveScorer> scorers, Set<ScorerKey> activeKeys, long loadedAt) {
        static Snapshot of(List<ActiveScorer> scorers, long loadedAt) {
            Set<ScorerKey> keys = new HashSet<>();
            for (ActiveScorer a : scorers) {
                if (a.sampling().isActive()) {
                    keys.add(a.key());
                }
            }
            return new Snapshot(scorers, Set.copyOf(keys), loadedAt);
        }
    }

    private final ActiveScorerSource source;
    private final EngineOptions options;
    private final Clock clock;
    private final LongSupplier ticker;
    private final Map<String, Snapshot> scorers = new ConcurrentHashMap<>();
    private final Map<ScorerKey, ScorerStatus> statuses = new ConcurrentHashMap<>();
    private final Map<ScorerKey, AtomicInteger> authFailures = new ConcurrentHashMap<>();
    private final Map<ScorerKey, Long> resumes = new ConcurrentHashMap<>();

    ScorerStates(ActiveScorerSource source, EngineOptions options, Clock clock, LongSupplier ticker) {
        this.source = source;
        this.options = options;
        this.clock = clock;
        this.ticker = ticker;
    }

    /** @return the experiment's active scorer versions, re-read if the snapshot is older than scorerRefresh */
    List<ActiveScorer> active(String experimentId) {
        Snapshot s = scorers.get(experimentId);
        if (s == null || ticker.getAsLong() - s.loadedAt() > options.scorerRefresh().toNanos()) {
            s = load(experimentId);
            scorers.put(experimentId, s);
        }
        return s.scorers();
    }

    /** Re-reads an experiment's scorers now. */
    void refresh(String experimentId) {
        scorers.put(experimentId, load(experimentId));
    }

    private Snapshot load(String experimentId) {
        List<ActiveScorer> list;
        try {
            list = List.copyOf(source.active(experimentId));
        } catch (RuntimeException e) {
            LOG.warn("engine {}: cannot read the scorers of experiment {}: {}", options.engineId(), experimentId,
                    e.toString());
            Snapshot old = scorers.get(experimentId);
            list = old == null ? List.of() : old.scorers();
        }
        return Snapshot.of(list, ticker.getAsLong());
    }

    /** @return the active, not paused scorer version of a pending pair, or null if it is gone */
    ActiveScorer find(PendingRetry p) {
        for (ActiveScorer s : active(p.experimentId())) {
            if (s.name().equals(p.scorerName()) && s.version() == p.scorerVersion() && s.sampling().isActive()) {
                return s;
            }
        }
        return null;
    }

    /** @return true if the scorer version is in the current snapshot and not paused */
    boolean isActive(ActiveScorer s) {
        return !isPaused(s.key()) && inSnapshot(s);
    }

    /** @return true if the scorer version is in its experiment's current snapshot (not stopped or deleted) */
    boolean inSnapshot(ActiveScorer s) {
        Snapshot snap = scorers.get(s.experimentId());
        return snap != null && snap.activeKeys().contains(s.key());
    }

    boolean isPaused(ScorerKey key) {
        return !statuses.isEmpty() && statuses.get(key) instanceof ScorerStatus st
                && st.state() == ScorerStatus.State.PAUSED;
    }

    /** @return the scorer version's status, or null when it runs normally */
    ScorerStatus status(ScorerKey key) {
        return statuses.get(key);
    }

    /** @return why the scorer version is paused, or a generic reason */
    String pauseReason(ScorerKey key) {
        ScorerStatus st = statuses.get(key);
        return st == null ? "scorer paused" : st.reason();
    }

    Map<ScorerKey, ScorerStatus> statuses() {
        return Map.copyOf(statuses);
    }

    /**
     * @param key a scorer version
     * @return how many times it was resumed: a run reads it before it starts, so that its outcome is judged
     *     against the pause state it started under
     */
    long resumes(ScorerKey key) {
        return resumes.getOrDefault(key, 0L);
    }

    /**
     * Counts a run's authentication failure (pausing the scorer after {@code authFailuresBeforePause} in a row),
     * or resets the count after a success. A failure of a run that started before the scorer was last resumed
     * (a call with the old credentials still in flight) does not count: it must not undo the resume.
     *
     * @param s the scorer version
     * @param o the run's outcome
     * @param resumesAtStart {@link #resumes} read when the run started
     */
    void trackAuth(ActiveScorer s, Outcome o, long resumesAtStart) {
        if (o.authFailure() && resumesAtStart != resumes(s.key())) {
            return;
        }
        if (o.authFailure()) {
            int n = authFailures.computeIfAbsent(s.key(), k -> new AtomicInteger()).incrementAndGet();
            if (n >= options.authFailuresBeforePause()) {
                ScorerStatus paused = new ScorerStatus(s.key(), ScorerStatus.State.PAUSED,
                        dev.vigil.core.ScorerHealth.PAUSED_PREFIX + n + " consecutive authentication failures; last: "
                                + o.failure().message() + " — fix the credentials, then resume the scorer",
                        clock.instant());
                if (statuses.putIfAbsent(s.key(), paused) == null) {
                    LOG.warn("scorer {} paused: {}", s.key(), paused.reason());
                }
            }
        } else if (!o.failed()) {
            AtomicInteger n = authFailures.get(s.key());
            if (n != null) {
                n.set(0);
            }
        }
    }

    /**
     * Clears a scorer version's pause and its auth failure count.
     *
     * @return true if it was paused
     */
    boolean clearPause(ScorerKey key) {
        resumes.merge(key, 1L, Long::sum);
        authFailures.remove(key);
        ScorerStatus s = statuses.remove(key);
        return s != null && s.state() == ScorerStatus.State.PAUSED;
    }

    /**
     * Whether an active scorer of this snapshot scores a trace: its sampling is on, its filter matches (a filter that
     * throws is logged and counts as no match) and the sampler keeps the trace at its rate.
     */
    boolean selects(ActiveScorer s, Trace t, SamplingDecision sampling) {
        if (!s.sampling().isActive() || !inSnapshot(s)) {
            return false;
        }
        boolean match;
        try {
            match = s.filter().test(t);
        } catch (RuntimeException ex) {
            LOG.warn("filter of scorer {} failed on trace {}: {}", s.key(), t.traceId(), ex.toString());
            match = false;
        }
        return match && sampling.keep(t.traceId(), s.name(), s.sampling().sampleRate());
    }
}
