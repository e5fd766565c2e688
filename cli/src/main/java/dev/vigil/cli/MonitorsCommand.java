package dev.vigil.cli;

import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorDefinition;
import dev.vigil.core.monitor.MonitorJson;
import dev.vigil.core.monitor.MonitorService;
import dev.vigil.core.monitor.MonitorState;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil monitors ...}: alerts on a scorer's aggregate, with statistical confidence. */
@Command(name = "monitors", mixinStandardHelpOptions = true, description = "Create, list, get, update, delete and test monitors; show their history.",
        subcommands = {MonitorsCommand.Create.class, MonitorsCommand.ListMonitors.class, MonitorsCommand.Get.class,
                MonitorsCommand.Update.class, MonitorsCommand.Delete.class, MonitorsCommand.History.class,
                MonitorsCommand.Test.class})
final class MonitorsCommand implements Runnable {

    /** Environment variable with the server's base URL, for links in notifications. */
    static final String SERVER_URL_ENV = "VIGIL_SERVER_URL";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs {@code action} with a monitor service on the open store and the experiment's id. */
    static <T> T withMonitors(StoreMixin store, boolean create, BiFunction<MonitorService, String, T> action) {
        try (Store s = store.open()) {
            String experimentId = (create ? store.experiment(s) : store.existingExperiment(s)).experimentId();
            return action.apply(service(s, Clock.systemUTC()), experimentId);
        }
    }

    /**
     * @param s an open store
     * @param clock the clock
     * @return a monitor service sending through the notifiers found by ServiceLoader
     */
    static MonitorService service(Store s, Clock clock) {
        NotifierContext ctx = new NotifierContext(clock, d -> Thread.sleep(d.toMillis()),
                Optional.ofNullable(System.getenv(SERVER_URL_ENV)),
                new dev.vigil.core.notify.DurableDeadLetters(s.jobs(), clock));
        return new MonitorService(s, clock, NotificationDispatcher.loaded(ctx), 1.0);
    }

    /** The definition options shared by create and update; unset ones keep the current (or default) value. */
    static final class DefinitionOptions {
        @Option(names = "--scorer", paramLabel = "NAME", description = "The scorer whose feedback is watched.")
        String scorer;
        @Option(names = "--feedback", paramLabel = "NAME", description = "Only this feedback name of the scorer.")
        String feedback;
        @Option(names = "--metric", paramLabel = "METRIC",
                description = "pass_rate (default), mean, p90, error_rate, category_share; engine health: "
                        + "cursor_lag (arrivals behind), scorer_paused (1 when paused, stopped or deleted).")
        String metric;
        @Option(names = "--category", paramLabel = "VALUE", description = "The category, for category_share.")
        String category;
        @Option(names = "--window", paramLabel = "DURATION", description = "Sliding window, e.g. 1h (default).")
        String window;
        @Option(names = "--every", paramLabel = "DURATION", description = "Evaluation period, e.g. 1m (default).")
        String every;
        @Option(names = "--direction", paramLabel = "below|above",
                description = "Which side is bad: below (default; above for error_rate).")
        String direction;
        @Option(names = "--warning", paramLabel = "X", description = "Warning threshold (a share in [0, 1] for rates).")
        Double warning;
        @Option(names = "--critical", paramLabel = "X", description = "Critical threshold.")
        Double critical;
        @Option(names = "--min-samples", paramLabel = "N", description = "Below this many values: NO_DATA (default 30).")
        Integer minSamples;
        @Option(names = "--confidence", paramLabel = "interval|point",
                description = "interval (default): the whole 95% interval must be past the threshold; point: the "
                        + "estimate alone (alerts sooner, and on noise).")
        String confidence;
        @Option(names = "--late-data-delay", paramLabel = "DURATION",
                description = "End the window this long before now, for late traces (default 0).")
        String lateDataDelay;
        @Option(names = "--hysteresis", paramLabel = "X",
                description = "Leave an alert state only when this far back past the threshold (default 0).")
        Double hysteresis;
        @Mixin
        DestinationOptions destinations;

        /** @return the options as definition JSON fields, only those given */
        Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "scorer", scorer);
            put(m, "feedback", feedback);
            put(m, "metric", metric);
            put(m, "category", category);
            put(m, "window", window);
            put(m, "every", every);
            put(m, "direction", direction);
            put(m, "warning", warning);
            put(m, "critical", critical);
            put(m, "min_samples", minSamples);
            put(m, "confidence", confidence);
            put(m, "late_data_delay", lateDataDelay);
            put(m, "hysteresis", hysteresis);
            List<Object> notify = destinations.destinations().stream()
                    .<Object>map(c -> Map.of("type", c.type(), "settings", c.settings())).toList();
            if (!notify.isEmpty()) {
                m.put("notify", notify);
            }
            return m;
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    /** @return the error message for a monitor NAME that the experiment does not have */
    static String missing(StoreMixin store, String name) {
        return "monitor '" + name + "' does not exist in experiment '" + store.experiment + "'";
    }

    /** @return the experiment's monitor NAME; a {@link UserError} saying it does not exist if there is none */
    static Monitor existing(MonitorService svc, String exp, StoreMixin store, String name) {
        return svc.get(exp, name).orElseThrow(() -> new UserError(missing(store, name)));
    }

    static String threshold(Double t) {
        return t == null ? "-" : Double.toString(t);
    }

    static String describe(Monitor m) {
        MonitorDefinition d = m.definition();
        List<String> to = d.destinations().stream().map(NotifierConfig::type).toList();
        return "'" + m.name() + "' version " + m.version() + ": " + d.describeMetric() + " over " + human(d.window())
                + " every " + human(d.every()) + ", " + d.direction().name().toLowerCase(Locale.ROOT) + " warning "
                + threshold(d.warning()) + " / critical " + threshold(d.critical()) + ", min " + d.minSamples()
                + " samples, " + d.confidence().name().toLowerCase(Locale.ROOT) + " confidence"
                + (d.lateDataDelay().isZero() ? "" : ", late-data delay " + human(d.lateDataDelay()))
                + (d.hysteresis() == 0 ? "" : ", hysteresis " + d.hysteresis())
                + (to.isEmpty() ? ", no notifications" : ", notifies " + String.join(", ", to));
    }

    static String human(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    static String interval(MonitorTransition t) {
        if (!Double.isFinite(t.value())) {
            return "-";
        }
        String v = String.format(Locale.ROOT, "%.3f", t.value());
        return Double.isFinite(t.low()) ? v + String.format(Locale.ROOT, " [%.3f, %.3f]", t.low(), t.high()) : v;
    }

    /** {@code vigil monitors create NAME --scorer S --critical X ...}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a monitor (validated before anything is stored).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Mixin
        DefinitionOptions options;

        @Override
        public Integer call() {
            Map<String, Object> f = options.fields();
            f.putIfAbsent("metric", "pass_rate");
            f.putIfAbsent("window", "1h");
            MonitorDefinition d = MonitorJson.read(Json.write(f));
            Monitor m = withMonitors(store, true, (svc, exp) -> svc.create(exp, name, d));
            spec.commandLine().getOut().println("Created monitor " + describe(m) + ".");
            return 0;
        }
    }

    /** {@code vigil monitors update NAME [options]}: a new version with the given options changed. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a monitor (a new version; its history is kept).")
    static final class Update implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Mixin
        DefinitionOptions options;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            Monitor m = withMonitors(store, false, (svc, exp) -> {
                Monitor current = svc.get(exp, name)
                        .orElseThrow(() -> new NotFoundException("monitor '" + name + "' does not exist"));
                Map<String, Object> f = new LinkedHashMap<>((Map<String, Object>) Json.parse(
                        MonitorJson.write(current.definition())));
                f.putAll(options.fields());
                return svc.update(exp, name, MonitorJson.read(Json.write(f)));
            });
            spec.commandLine().getOut().println("Updated monitor " + describe(m) + ".");
            return 0;
        }
    }

    /** {@code vigil monitors list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the monitors and their states.")
    static final class ListMonitors implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("NAME", "VERSION", "METRIC", "WINDOW", "WARNING", "CRITICAL", "STATE", "SINCE");
            withMonitors(store, false, (svc, exp) -> {
                for (Monitor m : svc.list(exp)) {
                    List<MonitorTransition> last = svc.history(exp, m.name(), 1);
                    t.row(m.name(), m.version(), m.definition().describeMetric(), human(m.definition().window()),
                            threshold(m.definition().warning()), threshold(m.definition().critical()),
                            last.isEmpty() ? MonitorState.NO_DATA : last.get(0).to(),
                            last.isEmpty() ? "-" : last.get(0).at());
                }
                return null;
            });
            t.printOr(out, "No monitors in experiment '" + store.experiment
                    + "'. Create one with 'vigil monitors create NAME --scorer SCORER --critical 0.9'.");
            return 0;
        }
    }

    /** {@code vigil monitors get NAME}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a monitor's definition (secrets hidden) and state.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            withMonitors(store, false, (svc, exp) -> {
                Monitor m = svc.get(exp, name)
                        .orElseThrow(() -> new UserError(missing(store, name) + "; see 'vigil monitors list'"));
                out.println("Monitor " + describe(m));
                List<MonitorTransition> last = svc.history(exp, name, 1);
                if (last.isEmpty()) {
                    out.println("State: NO_DATA (not evaluated yet; 'vigil monitor' evaluates monitors while it runs)");
                } else {
                    MonitorTransition t = last.get(0);
                    out.println("State: " + t.to() + " since " + t.at() + " (value " + interval(t) + ", "
                            + t.sampleSize() + " samples)");
                }
                return null;
            });
            return 0;
        }
    }

    /** {@code vigil monitors delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a monitor with every version and its history.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            boolean deleted = withMonitors(store, false, (svc, exp) -> svc.delete(exp, name));
            if (!deleted) {
                throw new UserError(missing(store, name));
            }
            spec.commandLine().getOut().println("Deleted monitor '" + name + "'.");
            return 0;
        }
    }

    /** {@code vigil monitors history NAME [--limit N]}. */
    @Command(name = "history", mixinStandardHelpOptions = true, description = "A monitor's state transitions, newest first.")
    static final class History implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (default 20).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("AT", "FROM", "TO", "VALUE [95% INTERVAL]", "SAMPLES", "TRACES");
            withMonitors(store, false, (svc, exp) -> {
                existing(svc, exp, store, name);
                for (MonitorTransition tr : svc.history(exp, name, Math.max(1, limit))) {
                    t.row(tr.at(), tr.from(), tr.to(), interval(tr), tr.sampleSize(),
                            String.join(" ", tr.traceIds().subList(0, Math.min(3, tr.traceIds().size()))));
                }
                return null;
            });
            t.printOr(out, "Monitor '" + name + "' has no transitions yet.");
            return 0;
        }
    }

    /** {@code vigil monitors test NAME}: sends a sample notification. */
    @Command(name = "test", mixinStandardHelpOptions = true, description = "Send a sample notification (marked as a test) to the monitor's destinations.")
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            int[] counts = withMonitors(store, false, (svc, exp) -> {
                Monitor m = existing(svc, exp, store, name);
                return new int[] {svc.test(exp, name), m.definition().destinations().size()};
            });
            spec.commandLine().getOut().println("Sample notification delivered to " + counts[0] + " of " + counts[1]
                    + " destination" + (counts[1] == 1 ? "" : "s") + ".");
            return counts[0] == counts[1] ? 0 : VigilCommand.EXIT_FAILURE;
        }
    }
}
