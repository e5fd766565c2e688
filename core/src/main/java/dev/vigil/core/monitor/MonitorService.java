package dev.vigil.core.monitor;

import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoredMonitor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, stores and evaluates monitors: the operations a CLI or a server exposes. Evaluation times are aligned
 * to multiples of the monitor's period, so several engines sharing a store compute the same transition id; the
 * store keeps a transition once, and only the engine whose write was new sends its notification — once per
 * transition, not per evaluation. Thread-safe.
 *
 * <p>Notifications are delivered at least once through the store's outbox ({@link AlertOutbox}, when the store
 * keeps one): a transition's notification is recorded as pending before the transition is stored, and sent after;
 * an engine that stops in between leaves it pending and the next {@link #drainOutbox()} (every
 * {@link MonitorScheduler} tick, and the monitoring engine's outbox loop) sends it. A crash after the record but
 * before the transition is stored can send a notification whose transition the next evaluation (same aligned time,
 * same id) then stores; with different data meanwhile, the next evaluation records its own transition.
 */
public final class MonitorService {

    private final Store store;
    private final InstantSource clock;
    private final NotificationDispatcher dispatcher;
    private final double defaultSampleRate;
    private final AlertOutbox outbox;
    private final Map<String, Instant> lastEvaluated = new ConcurrentHashMap<>();
    private volatile EngineHealth health = EngineHealth.NONE;

    /**
     * @param store where monitors, their history and the scored values are
     * @param clock the time source (injected, so tests simulate weeks)
     * @param dispatcher sends notifications
     * @param defaultSampleRate the sample rate assumed for values that do not record theirs, in (0, 1]
     */
    public MonitorService(Store store, InstantSource clock, NotificationDispatcher dispatcher,
            double defaultSampleRate) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        if (!(defaultSampleRate > 0) || defaultSampleRate > 1) {
            throw new InvalidInputException("default sample rate must be in (0, 1], got " + defaultSampleRate);
        }
        this.defaultSampleRate = defaultSampleRate;
        this.outbox = AlertOutbox.supported(store)
                ? new AlertOutbox(store, dispatcher, clock, AlertOutbox.DEFAULT_LEASE) : null;
    }

    /**
     * Creates version 1 of a new monitor.
     *
     * @param experimentId the experiment
     * @param name its name
     * @param definition what it watches (its notifier settings are checked too)
     * @return the stored monitor
     * @throws InvalidInputException if the name is taken or the definition is wrong; nothing is stored
     */
    public Monitor create(String experimentId, String name, MonitorDefinition definition) {
        if (store.monitors().latest(experimentId, name).isPresent()) {
            throw new InvalidInputException("monitor '" + name + "' already exists; use update to change it");
        }
        return put(experimentId, name, 1, definition);
    }

    /**
     * Stores a new version of an existing monitor; its state history is kept.
     *
     * @param experimentId the experiment
     * @param name its name
     * @param definition the new definition
     * @return the stored version
     * @throws NotFoundException if there is no such monitor
     */
    public Monitor update(String experimentId, String name, MonitorDefinition definition) {
        StoredMonitor current = store.monitors().latest(experimentId, name)
                .orElseThrow(() -> new NotFoundException("monitor '" + name + "' does not exist"));
        return put(experimentId, name, current.version() + 1, definition);
    }

    private Monitor put(String experimentId, String name, int version, MonitorDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        definition.destinations().forEach(dispatcher::validate);
        StoredMonitor s = store.monitors().create(new StoredMonitor(experimentId, name, version,
                MonitorJson.write(definition), clock.instant()));
        return Monitor.of(s);
    }

    /**
     * @param experimentId the experiment
     * @param name a monitor
     * @return its latest version
     */
    public Optional<Monitor> get(String experimentId, String name) {
        return store.monitors().latest(experimentId, name).map(Monitor::of);
    }

    /**
     * @param experimentId the experiment
     * @return the latest version of every monitor, by name
     */
    public List<Monitor> list(String experimentId) {
        return store.monitors().list(experimentId).stream().map(Monitor::of).toList();
    }

    /**
     * @param experimentId the experiment
     * @param name a monitor
     * @return true if it existed
     */
    public boolean delete(String experimentId, String name) {
        lastEvaluated.remove(experimentId + '\u0000' + name);
        return store.monitors().delete(experimentId, name) > 0;
    }

    /**
     * @param experimentId the experiment
     * @param name a monitor
     * @param limit at most this many
     * @return its transitions, newest first
     */
    public List<MonitorTransition> history(String experimentId, String name, int limit) {
        return store.monitors().history(experimentId, name, limit);
    }

    /**
     * @param experimentId the experiment
     * @param name a monitor
     * @return its current state (NO_DATA before its first transition)
     */
    public MonitorState state(String experimentId, String name) {
        List<MonitorTransition> last = store.monitors().history(experimentId, name, 1);
        return last.isEmpty() ? MonitorState.NO_DATA : MonitorState.valueOf(last.get(0).to());
    }

    /**
     * Evaluates every monitor of an experiment whose period has passed since its last evaluation (by this
     * service).
     *
     * @param experimentId the experiment
     * @return the transitions this call recorded
     */
    public List<MonitorTransition> evaluateDue(String experimentId) {
        Instant now = clock.instant();
        List<MonitorTransition> out = new ArrayList<>();
        for (Monitor m : list(experimentId)) {
            Instant at = align(now, m.definition());
            String key = experimentId + '\u0000' + m.name();
            Instant last = lastEvaluated.get(key);
            if (last != null && !at.isAfter(last)) {
                continue;
            }
            lastEvaluated.put(key, at);
            evaluate(m, at).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Evaluates one monitor at this very instant (not aligned to its period, for an on-demand check) and records
     * a transition if its state changed.
     *
     * @param experimentId the experiment
     * @param name the monitor
     * @return the transition, if the state changed
     */
    public Optional<MonitorTransition> evaluateNow(String experimentId, String name) {
        Monitor m = get(experimentId, name)
                .orElseThrow(() -> new NotFoundException("monitor '" + name + "' does not exist"));
        return evaluate(m, clock.instant());
    }

    private static Instant align(Instant now, MonitorDefinition d) {
        long period = d.every().toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), period) * period);
    }

    private Optional<MonitorTransition> evaluate(Monitor m, Instant at) {
        MonitorDefinition d = m.definition();
        Instant windowEnd = at.minus(d.lateDataDelay());
        Instant windowStart = windowEnd.minus(d.window());
        Estimate e;
        if (d.metric().isHealth()) {
            e = health.estimate(m.experimentId(), d);
        } else {
            List<ScoredValue> values = store.assessments().valuesByScorer(m.experimentId(), d.scorerName(),
                    windowStart, windowEnd);
            e = MonitorEvaluator.estimate(d, values, defaultSampleRate);
        }
        MonitorState before = state(m.experimentId(), m.name());
        MonitorState after = MonitorEvaluator.decide(d, e, before);
        if (after == before) {
            return Optional.empty();
        }
        String id = UUID.nameUUIDFromBytes((m.experimentId() + '\u0000' + m.name() + '\u0000' + m.version()
                + '\u0000' + at.toEpochMilli() + '\u0000' + before + '\u0000' + after)
                .getBytes(StandardCharsets.UTF_8)).toString();
        MonitorTransition t = new MonitorTransition(id, m.experimentId(), m.name(), m.version(), at, before.name(),
                after.name(), e.value(), e.interval().map(i -> i.low()).orElse(Double.NaN),
                e.interval().map(i -> i.high()).orElse(Double.NaN), e.sampleSize(), windowStart, windowEnd,
                e.traceIds());
        boolean notifies = notifies(before, after) && !d.destinations().isEmpty();
        if (notifies && outbox != null) {
            outbox.record(notification(t, d, false)); // before the transition: a crash in between still sends it
        }
        if (!store.monitors().appendTransition(t)) {
            return Optional.empty(); // another engine recorded (and notifies) this transition
        }
        if (notifies) {
            if (outbox != null) {
                outbox.deliver(t.id());
            } else {
                dispatcher.send(notification(t, d, false), d.destinations());
            }
        }
        return Optional.of(t);
    }

    /** Alerts and recoveries are notified; NO_DATA ↔ OK is only recorded. */
    private static boolean notifies(MonitorState before, MonitorState after) {
        return after.alerting() || before.alerting();
    }

    private static Notification notification(MonitorTransition t, MonitorDefinition d, boolean test) {
        return new Notification(t.id(), t.experimentId(), t.monitorName(), t.from(), t.to(), t.at(),
                d.describeMetric(), t.value(), t.low(), t.high(), t.sampleSize(), t.windowStart(), t.windowEnd(),
                t.traceIds(), test);
    }

    /**
     * Sends a sample notification to the monitor's destinations (marked as a test).
     *
     * @param experimentId the experiment
     * @param name the monitor
     * @return how many destinations it was delivered to
     */
    public int test(String experimentId, String name) {
        Monitor m = get(experimentId, name)
                .orElseThrow(() -> new NotFoundException("monitor '" + name + "' does not exist"));
        Instant now = clock.instant();
        MonitorTransition sample = new MonitorTransition("test-" + UUID.randomUUID(), experimentId, name,
                m.version(), now, MonitorState.OK.name(), MonitorState.WARNING.name(), Double.NaN, Double.NaN,
                Double.NaN, 0, now.minus(m.definition().window()), now, List.of());
        return dispatcher.send(notification(sample, m.definition(), true), m.definition().destinations());
    }

    /**
     * Where engine-health monitors ({@link MonitorMetric#isHealth()}) read their value; without it they stay
     * NO_DATA.
     *
     * @param health the running engine's health
     * @return this
     */
    public MonitorService useHealth(EngineHealth health) {
        this.health = Objects.requireNonNull(health, "health");
        return this;
    }

    /**
     * Sends the notifications left pending in the store's outbox (by an engine that stopped before sending them).
     *
     * @return how many were sent (0 for a store without an outbox)
     */
    public int drainOutbox() {
        return outbox == null ? 0 : outbox.drain();
    }

    /** @return the dispatcher (its dead letters) */
    public NotificationDispatcher dispatcher() {
        return dispatcher;
    }
}
