package dev.vigil.server.api;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Experiments, traces (newest first, MLflow filter) and human assessments. */
final class TracesApi {

    private final Vigil vigil;
    private final Clock clock;

    TracesApi(Vigil vigil, Clock clock) {
        this.vigil = vigil;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/experiments", this::experiments),
                new Route("POST", "/experiments", this::createExperiment),
                new Route("GET", "/experiments/{experiment}/traces", this::search),
                new Route("GET", "/experiments/{experiment}/traces/{traceId}", this::trace),
                new Route("POST", "/experiments/{experiment}/traces/{traceId}/assessments", this::addAssessment),
                new Route("POST", "/experiments/{experiment}/traces/{traceId}/assessments/{assessmentId}/override",
                        this::override));
    }

    /**
     * @param vigil the embedded Vigil
     * @param nameOrId an experiment name or id from the path
     * @return its handle
     * @throws ApiException 404 when there is no such experiment (never creates one)
     */
    static ExperimentHandle experiment(Vigil vigil, String nameOrId) {
        Experiment e = vigil.store().experiments().findByName(nameOrId)
                .or(() -> vigil.store().experiments().get(nameOrId))
                .orElseThrow(() -> ApiException.notFound("no experiment named '" + nameOrId + "'; known: "
                        + String.join(", ", vigil.store().experiments().list().stream().map(Experiment::name)
                                .toList())));
        return vigil.experiment(e.name());
    }

    private Route.Reply experiments(Request req) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Experiment e : vigil.store().experiments().list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("experimentId", e.experimentId());
            m.put("name", e.name());
            m.put("traceCount", vigil.store().traces().count(e.experimentId()));
            out.add(m);
        }
        return Route.Reply.ok(Map.of("experiments", out));
    }

    private Route.Reply createExperiment(Request req) {
        Object name = req.body().get("name");
        if (!(name instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest("give the experiment's name: {\"name\": \"checkout-assistant\"}");
        }
        ExperimentHandle h = vigil.experiment(s);
        return Route.Reply.created(Map.of("experimentId", h.id(), "name", h.name()));
    }

    private Route.Reply search(Request req) {
        ExperimentHandle exp = experiment(vigil, req.param("experiment"));
        String filter = req.queryParam("filter");
        TraceFilter f = filter == null ? TraceFilter.MATCH_ALL : TraceFilter.parse(filter);
        int max = req.intQuery("maxResults", 50, 1, 500);
        Instant from = req.timeQuery("from");
        Instant to = req.timeQuery("to");
        from = from == null ? Instant.EPOCH : from;
        to = to == null ? clock.instant().plus(Duration.ofDays(1)) : to;
        if (!to.isAfter(from)) {
            throw ApiException.badRequest("'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        TracePage page = NewestFirst.page(vigil.store().traces(), exp.id(), from, to,
                f.isMatchAll() ? null : f.expr(), req.queryParam("pageToken"), max);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("traces", TraceViews.rows(page.traces()));
        out.put("nextPageToken", page.nextPageToken());
        return Route.Reply.ok(out);
    }

    private Trace find(ExperimentHandle exp, String traceId) {
        return exp.trace(traceId).orElseThrow(() -> ApiException.notFound("no trace '" + traceId
                + "' in experiment '" + exp.name() + "'"));
    }

    private Route.Reply trace(Request req) {
        ExperimentHandle exp = experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(TraceViews.full(find(exp, req.param("traceId"))));
    }

    private Route.Reply addAssessment(Request req) {
        ExperimentHandle exp = experiment(vigil, req.param("experiment"));
        Trace t = find(exp, req.param("traceId"));
        Map<String, Object> body = req.body();
        Assessment.Builder b = human(body, t.traceId());
        String type = body.get("type") == null ? "feedback" : body.get("type").toString();
        switch (type) {
            case "feedback" -> b.feedback(body.get("value"));
            case "expectation" -> b.expectation(body.get("value"));
            default -> throw ApiException.badRequest("type must be 'feedback' or 'expectation', got '" + type + "'");
        }
        Assessment stored = vigil.store().assessments().append(b.build());
        return Route.Reply.created(TraceViews.assessment(stored));
    }

    /** MLflow's {@code override_feedback}: a new HUMAN feedback that overrides a judge's, the old one kept. */
    private Route.Reply override(Request req) {
        ExperimentHandle exp = experiment(vigil, req.param("experiment"));
        Trace t = find(exp, req.param("traceId"));
        String id = req.param("assessmentId");
        Assessment old = t.info().assessments().stream().filter(a -> id.equals(a.assessmentId())).findFirst()
                .orElseThrow(() -> ApiException.notFound("no assessment '" + id + "' on trace " + t.traceId()));
        if (!(old.value() instanceof FeedbackValue)) {
            throw ApiException.badRequest("assessment '" + id + "' is an expectation; only feedback is overridden");
        }
        Map<String, Object> body = new LinkedHashMap<>(req.body());
        body.putIfAbsent("name", old.name());
        Assessment stored = vigil.store().assessments().append(human(body, t.traceId()).feedback(body.get("value"))
                .spanId(old.spanId()).overrides(old.assessmentId()).build());
        return Route.Reply.created(TraceViews.assessment(stored));
    }

    private Assessment.Builder human(Map<String, Object> body, String traceId) {
        if (!(body.get("name") instanceof String name) || name.isBlank()) {
            throw ApiException.badRequest("an assessment needs a name, e.g. {\"name\": \"correct\", \"value\": true}");
        }
        if (!body.containsKey("value")) {
            throw ApiException.badRequest("an assessment needs a value (true/false, a number, a string or JSON)");
        }
        String source = body.get("sourceId") instanceof String s && !s.isBlank() ? s : "dashboard";
        Instant now = clock.instant();
        Assessment.Builder b = Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.human(source))
                .createTime(now).lastUpdateTime(now);
        if (body.get("rationale") instanceof String r && !r.isBlank()) {
            b.rationale(r);
        }
        return b;
    }
}
