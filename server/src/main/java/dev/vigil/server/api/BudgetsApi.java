package dev.vigil.server.api;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.budget.BackfillEstimate;
import dev.vigil.core.budget.BudgetSpec;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorDefinition;
import dev.vigil.core.monitor.MonitorService;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.core.notify.DurableDeadLetters;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetStore;
import dev.vigil.spi.store.MonitorTransition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Budgets and monitors, as {@code vigil budgets} and {@code vigil monitors list|get|history}: list, get, set and
 * delete budgets with this period's use (the same checks and messages as the CLI, through {@link BudgetSpec}), and
 * the monitors with their current state and recent transitions, and what a backfill of a scorer would cost before it
 * starts (as {@code vigil backfill --dry-run}). Notifier settings (webhook URLs, HMAC keys) are
 * secrets: they are accepted on a write but never shown; a view names the notifier types only.
 */
final class BudgetsApi {

    private static final int HISTORY = 20;

    private final Vigil vigil;
    private final Clock clock;
    private final NotificationDispatcher notifiers;

    BudgetsApi(Vigil vigil, Clock clock) {
        this.vigil = vigil;
        this.clock = clock;
        this.notifiers = NotificationDispatcher.loaded(new NotifierContext(clock, d -> Thread.sleep(d.toMillis()),
                Optional.empty(), new DurableDeadLetters(vigil.store().jobs(), clock)));
    }

    List<Route> routes() {
        String budget = "/experiments/{experiment}/budgets/{name}";
        return List.of(
                new Route("GET", "/experiments/{experiment}/budgets", this::listBudgets),
                new Route("GET", budget, this::getBudget),
                new Route("PUT", budget, this::setBudget),
                new Route("DELETE", budget, this::deleteBudget),
                new Route("GET", "/experiments/{experiment}/monitors", this::listMonitors),
                new Route("GET", "/experiments/{experiment}/monitors/{name}", this::getMonitor),
                new Route("GET", "/experiments/{experiment}/scorers/{name}/backfill-estimate", this::estimate));
    }

    private BudgetStore budgets() {
        try {
            return vigil.store().budgets();
        } catch (UnsupportedOperationException e) {
            throw new ApiException(501, "NOT_IMPLEMENTED", "the store " + vigil.store().describe()
                    + " does not keep budgets");
        }
    }

    private Map<String, Object> view(Budget b) {
        Instant now = clock.instant();
        return BudgetSpec.view(b, budgets().usage(b.experimentId(), b.name(), b.period().start(now)), now);
    }

    private Budget existing(ExperimentHandle exp, String name) {
        return budgets().get(exp.id(), name).orElseThrow(() -> ApiException.notFound("no budget '" + name
                + "' in experiment '" + exp.name() + "'; budgets: " + String.join(", ", budgets().list(exp.id())
                        .stream().map(Budget::name).toList())));
    }

    private Route.Reply listBudgets(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        List<Object> out = new ArrayList<>();
        for (Budget b : budgets().list(exp.id())) {
            out.add(view(b));
        }
        return Route.Reply.ok(Map.of("budgets", out));
    }

    private Route.Reply getBudget(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(view(existing(exp, req.param("name"))));
    }

    private Route.Reply setBudget(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        Map<String, Object> body = req.body();
        for (String k : body.keySet()) {
            if (!List.of("scorer", "usd", "tokens", "period", "action", "notify").contains(k)) {
                throw ApiException.badRequest("unknown budget field '" + k + "'; allowed: scorer, usd, tokens, "
                        + "period (day|week|month), action (stop|alert), notify ([{type, settings}])");
            }
        }
        BudgetSpec spec = new BudgetSpec(req.param("name"), text(body, "scorer"), number(body, "usd"),
                whole(body, "tokens"), text(body, "period"), text(body, "action"), destinations(body.get("notify")));
        boolean existed = budgets().get(exp.id(), req.param("name")).isPresent();
        Budget b = budgets().put(spec.toBudget(exp.id(), "", notifiers::validate, clock.instant()));
        return existed ? Route.Reply.ok(view(b)) : Route.Reply.created(view(b));
    }

    private Route.Reply deleteBudget(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        existing(exp, req.param("name"));
        budgets().delete(exp.id(), req.param("name"));
        return Route.Reply.ok(Map.of("deleted", req.param("name")));
    }

    private static String text(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw ApiException.badRequest(field + " must be a string, got " + v);
        }
        return s.isBlank() ? null : s;
    }

    private static Double number(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw ApiException.badRequest(field + " must be a number, got " + v);
        }
        return n.doubleValue();
    }

    private static Long whole(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ApiException.badRequest(field + " must be a whole number, got " + v);
        }
        return n.longValue();
    }

    private static List<NotifierConfig> destinations(Object notify) {
        if (notify == null) {
            return List.of();
        }
        if (!(notify instanceof List<?> list)) {
            throw ApiException.badRequest("notify must be a list of {type, settings}, e.g. [{\"type\": \"slack\", "
                    + "\"settings\": {\"url\": \"https://hooks.slack.com/...\"}}]");
        }
        List<NotifierConfig> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) {
                throw ApiException.badRequest("each notify entry is an object with a type (slack, webhook, log) and "
                        + "settings");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            if (m.get("settings") instanceof Map<?, ?> s) {
                s.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
            } else if (m.get("settings") != null) {
                throw ApiException.badRequest("notify settings of '" + type + "' must be an object");
            }
            out.add(new NotifierConfig(type, settings));
        }
        return out;
    }

    private MonitorService monitors() {
        return new MonitorService(vigil.store(), clock, notifiers, 1.0);
    }

    private Map<String, Object> view(MonitorService svc, Monitor m, List<MonitorTransition> recent) {
        MonitorDefinition d = m.definition();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", m.name());
        v.put("version", m.version());
        v.put("state", recent.isEmpty() ? "NO_DATA" : recent.get(0).to());
        v.put("since", recent.isEmpty() ? null : recent.get(0).at().toString());
        v.put("scorer", d.scorerName());
        v.put("feedback", d.feedbackName());
        v.put("metric", d.metric().name().toLowerCase(Locale.ROOT));
        v.put("category", d.category());
        v.put("describe", d.describeMetric());
        v.put("window", d.window().toString());
        v.put("every", d.every().toString());
        v.put("direction", d.direction().name().toLowerCase(Locale.ROOT));
        v.put("warning", d.warning());
        v.put("critical", d.critical());
        v.put("minSamples", d.minSamples());
        v.put("confidence", d.confidence().name().toLowerCase(Locale.ROOT));
        v.put("lateDataDelay", d.lateDataDelay().toString());
        v.put("hysteresis", d.hysteresis());
        v.put("notifies", d.destinations().stream().map(NotifierConfig::type).toList());
        v.put("createdAt", m.createdAt().toString());
        v.put("last", recent.isEmpty() ? null : transition(recent.get(0)));
        return v;
    }

    private static Map<String, Object> transition(MonitorTransition t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("at", t.at().toString());
        m.put("from", t.from());
        m.put("to", t.to());
        m.put("value", Double.isFinite(t.value()) ? t.value() : null);
        m.put("low", Double.isFinite(t.low()) ? t.low() : null);
        m.put("high", Double.isFinite(t.high()) ? t.high() : null);
        m.put("sampleSize", t.sampleSize());
        m.put("windowStart", t.windowStart().toString());
        m.put("windowEnd", t.windowEnd().toString());
        m.put("traceIds", t.traceIds());
        m.put("monitorVersion", t.monitorVersion());
        return m;
    }

    private Route.Reply listMonitors(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        MonitorService svc = monitors();
        List<Object> out = new ArrayList<>();
        for (Monitor m : svc.list(exp.id())) {
            out.add(view(svc, m, svc.history(exp.id(), m.name(), 1)));
        }
        return Route.Reply.ok(Map.of("monitors", out));
    }

    private Route.Reply getMonitor(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        MonitorService svc = monitors();
        String name = req.param("name");
        Monitor m = svc.get(exp.id(), name).orElseThrow(() -> ApiException.notFound("no monitor '" + name
                + "' in experiment '" + exp.name() + "'; monitors: " + String.join(", ", svc.list(exp.id()).stream()
                        .map(Monitor::name).toList())));
        List<MonitorTransition> recent = svc.history(exp.id(), name, req.intQuery("history", HISTORY, 1, 500));
        Map<String, Object> v = view(svc, m, recent);
        v.put("history", recent.stream().map(BudgetsApi::transition).toList());
        return Route.Reply.ok(v);
    }

    private Route.Reply estimate(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        String name = req.param("name");
        RegisteredScorer r;
        try {
            r = exp.scorers().get(name);
        } catch (NotFoundException e) {
            throw ApiException.notFound(e.getMessage());
        }
        Instant now = clock.instant();
        Instant from = req.timeQuery("from");
        if (from == null) {
            throw ApiException.badRequest("from is required: the start of the range to backfill, an ISO-8601 "
                    + "instant (2026-01-31T12:00:00Z) or epoch milliseconds");
        }
        Instant to = req.timeQuery("to") == null ? now : req.timeQuery("to");
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from (" + from + ") must be before to (" + to + ")");
        }
        double rate = r.sampleRate();
        String rateText = req.queryParam("sampleRate");
        if (rateText != null) {
            try {
                rate = Double.parseDouble(rateText.strip());
            } catch (NumberFormatException e) {
                rate = Double.NaN;
            }
            if (!(rate > 0) || rate > 1) {
                throw ApiException.badRequest("sampleRate must be a number in (0, 1], got '" + rateText + "'");
            }
        }
        double keep = rate;
        Sampler sampler = Sampler.defaultSampler();
        BackfillEstimate e = BackfillEstimate.of(vigil.store(), exp.id(), r.name(), r.version(),
                t -> t.info().state().isComplete() && r.filter().test(t) && sampler.keep(t.traceId(), r.name(), keep),
                from, to, now);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("scorer", r.name());
        v.put("version", r.version());
        v.put("sampleRate", keep);
        v.put("from", from.toString());
        v.put("to", to.toString());
        v.put("traces", e.traces());
        v.put("calls", e.calls());
        v.put("basedOnCalls", e.basedOnCalls());
        v.put("meanTokens", e.meanTokens());
        v.put("meanUsd", e.meanUsd());
        v.put("tokens", e.tokens());
        v.put("usd", e.usd());
        List<Object> checks = new ArrayList<>();
        for (BackfillEstimate.BudgetCheck c : e.budgets()) {
            Map<String, Object> b = BudgetSpec.view(c.budget(), c.usage(), now);
            b.put("fits", c.fits());
            checks.add(b);
        }
        v.put("budgets", checks);
        return Route.Reply.ok(v);
    }
}
