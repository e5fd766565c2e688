package dev.vigil.server.api;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.evaluate.EvaluationResult;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scorer lifecycle, as {@code vigil scorers}: register (Java class, Python source or judge, as a scorer
 * definition), start, update, stop, delete, list, get, versions and try. The registry's rules and messages apply.
 */
final class ScorersApi {

    private final Vigil vigil;
    private final EngineHealthView health;

    ScorersApi(Vigil vigil, EngineHealthView health) {
        this.vigil = vigil;
        this.health = health;
    }

    List<Route> routes() {
        String one = "/experiments/{experiment}/scorers/{name}";
        return List.of(
                new Route("GET", "/experiments/{experiment}/scorers", this::list),
                new Route("POST", "/experiments/{experiment}/scorers", this::register),
                new Route("GET", one, this::get),
                new Route("DELETE", one, this::delete),
                new Route("GET", one + "/versions", this::versions),
                new Route("POST", one + "/start", this::start),
                new Route("POST", one + "/update", this::update),
                new Route("POST", one + "/stop", this::stop),
                new Route("POST", one + "/try", this::tryOn));
    }

    Map<String, Object> view(ExperimentHandle exp, RegisteredScorer r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("version", r.version());
        m.put("kind", r.definition().kind());
        m.put("level", r.level().label()); // trace: run on each trace by the engine; session: on idle sessions
        m.put("state", r.state().name());
        m.put("sampleRate", r.sampleRate());
        m.put("filter", r.filterString());
        m.put("createdAt", r.createdAt().toString());
        m.put("updatedAt", r.updatedAt().toString());
        m.put("definition", Map.of("kind", r.definition().kind(), "config", r.definition().config()));
        m.put("health", health.scorer(exp, r.name(), r.version()));
        return m;
    }

    private <T> T explained(ExperimentHandle exp, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFoundException | dev.vigil.spi.InvalidInputException e) {
            if (!(e instanceof NotFoundException) && !String.valueOf(e.getMessage()).contains("not found")
                    && !String.valueOf(e.getMessage()).contains("not registered")) {
                throw e;
            }
            List<String> names = exp.scorers().list().stream().map(RegisteredScorer::name).distinct().toList();
            throw ApiException.notFound(e.getMessage().replace("experiment '" + exp.id() + "'", "experiment '"
                    + exp.name() + "'") + (names.isEmpty() ? ". It has no scorers yet" : ". Registered: "
                    + String.join(", ", names)));
        }
    }

    private Route.Reply list(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        List<Object> out = new ArrayList<>();
        for (RegisteredScorer r : exp.scorers().list()) {
            out.add(view(exp, r));
        }
        return Route.Reply.ok(Map.of("scorers", out));
    }

    private Route.Reply get(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(view(exp, explained(exp, () -> exp.scorers().get(req.param("name")))));
    }

    private Route.Reply versions(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        List<RegisteredScorer> all = explained(exp, () -> {
            List<RegisteredScorer> v = exp.scorers().versions(req.param("name"));
            if (v.isEmpty()) {
                exp.scorers().get(req.param("name")); // throws the registry's not-found message
            }
            return v;
        });
        return Route.Reply.ok(Map.of("versions", all.stream().map(r -> view(exp, r)).toList()));
    }

    @SuppressWarnings("unchecked")
    private Route.Reply register(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        Map<String, Object> body = req.body();
        if (!(body.get("name") instanceof String name) || name.isBlank()) {
            throw ApiException.badRequest("a scorer needs a name: {\"name\": \"concise\", \"kind\": \"java|python|"
                    + "judge\", \"config\": {...}}");
        }
        if (!(body.get("kind") instanceof String kind) || kind.isBlank()) {
            throw ApiException.badRequest("a scorer needs a kind, one of " + ScorerCodecs.kinds()
                    + ", and its config, e.g. {\"kind\": \"python\", \"config\": {\"source\": \"...\"}}");
        }
        Map<String, Object> config = body.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
        Scorer scorer = ScorerCodecs.decode(name, new ScorerDefinition(kind, config));
        RegisteredScorer r = exp.scorers().register(scorer, name);
        if (body.get("start") instanceof Map<?, ?> start) {
            r = r.start(sampling((Map<String, Object>) start, 1.0, null));
        }
        return Route.Reply.created(view(exp, r));
    }

    private Route.Reply start(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        SamplingConfig cfg = sampling(req.body(), Double.NaN, null);
        return Route.Reply.ok(view(exp, explained(exp, () -> exp.scorers().start(req.param("name"), cfg))));
    }

    private Route.Reply update(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        ScorerRegistry reg = exp.scorers();
        RegisteredScorer now = explained(exp, () -> reg.get(req.param("name")));
        Map<String, Object> body = req.body();
        if (!body.containsKey("sampleRate") && !body.containsKey("filter")) {
            throw ApiException.badRequest("nothing to update: give sampleRate and/or filter");
        }
        SamplingConfig cfg = sampling(body, now.sampleRate(), now.filterString());
        return Route.Reply.ok(view(exp, explained(exp, () -> reg.update(req.param("name"), cfg))));
    }

    private Route.Reply stop(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(view(exp, explained(exp, () -> exp.scorers().stop(req.param("name")))));
    }

    private Route.Reply delete(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        String version = req.queryParam("version");
        if (version != null) {
            int v = req.intQuery("version", 0, 1, Integer.MAX_VALUE);
            explained(exp, () -> {
                exp.scorers().delete(req.param("name"), v);
                return null;
            });
            return Route.Reply.ok(Map.of("deleted", 1));
        }
        int n = explained(exp, () -> exp.scorers().delete(req.param("name")));
        return Route.Reply.ok(Map.of("deleted", n));
    }

    private Route.Reply tryOn(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        if (!(req.body().get("traceIds") instanceof List<?> ids) || ids.isEmpty() || ids.size() > 100) {
            throw ApiException.badRequest("give 1 to 100 trace ids to try the scorer on: {\"traceIds\": [\"tr-...\"]}");
        }
        List<Trace> traces = new ArrayList<>();
        for (Object id : ids) {
            traces.add(exp.trace(String.valueOf(id)).orElseThrow(() -> ApiException.notFound("no trace '" + id
                    + "' in experiment '" + exp.name() + "'")));
        }
        EvaluationResult result = explained(exp, () -> exp.tryScorer(req.param("name"), traces));
        List<Object> items = new ArrayList<>();
        for (EvaluationResult.Item item : result.items()) {
            List<Object> fb = new ArrayList<>();
            item.feedback().forEach((scorer, list) -> {
                for (Feedback f : list) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", f.name());
                    m.put("value", f.value());
                    m.put("rationale", f.rationale());
                    m.put("error", f.error() == null ? null : f.error().code() + ": " + f.error().message());
                    fb.add(m);
                }
            });
            items.add(Map.of("traceId", item.traceId(), "feedback", fb));
        }
        return Route.Reply.ok(Map.of("results", items, "skippedByFilter", traces.size() - result.items().size()));
    }

    /** The sampling of a start/update body: {@code sampleRate} in (0, 1] (0 on update stops), {@code filter}. */
    static SamplingConfig sampling(Map<String, Object> body, double defaultRate, String defaultFilter) {
        Object rate = body.get("sampleRate");
        double r;
        if (rate == null) {
            if (Double.isNaN(defaultRate)) {
                throw ApiException.badRequest("give sampleRate, the share of traces to score, in (0, 1]");
            }
            r = defaultRate;
        } else if (rate instanceof Number n) {
            r = n.doubleValue();
        } else {
            try {
                r = Double.parseDouble(rate.toString());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("sampleRate must be a number in (0, 1], got '" + rate + "'");
            }
        }
        Object f = body.containsKey("filter") ? body.get("filter") : defaultFilter;
        String filter = f == null || f.toString().isBlank() ? null : f.toString();
        return SamplingConfig.of(r, filter);
    }
}
