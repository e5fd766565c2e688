package dev.vigil.server.api;

import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON forms of traces the API returns: a row for the table and the full MLflow form for the trace page. */
final class TraceViews {

    private TraceViews() {}

    /**
     * @param t a trace with its assessments
     * @return its row: id, time, state, latency, tokens, judge cost, previews, and the latest valid feedback per name
     */
    static Map<String, Object> row(Trace t) {
        TraceInfo info = t.info();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("traceId", info.traceId());
        row.put("requestTime", info.requestTime().toString());
        row.put("state", info.state().name());
        row.put("executionDurationMs", info.executionDurationMs());
        row.put("totalTokens", totalTokens(info));
        row.put("requestPreview", clip(info.requestPreview()));
        row.put("responsePreview", clip(info.responsePreview()));
        double cost = 0;
        boolean anyCost = false;
        Map<String, Object> feedback = new LinkedHashMap<>();
        for (Assessment a : info.assessments()) {
            String c = a.metadata().get(JudgeUsage.COST_USD);
            if (c != null) {
                try {
                    cost += Double.parseDouble(c);
                    anyCost = true;
                } catch (NumberFormatException ignored) {
                    // a cost someone else wrote that is not a number: left out of the sum
                }
            }
            if (a.valid() && a.value() instanceof FeedbackValue f) {
                feedback.put(a.name(), f.error() != null ? Map.of("error", f.error().code()) : f.value());
            }
        }
        row.put("judgeCostUsd", anyCost ? cost : null);
        row.put("feedback", feedback);
        return row;
    }

    /**
     * @param t a trace
     * @return its MLflow 3 dict form (info with assessments, data with spans)
     */
    static Object full(Trace t) {
        return Json.fromNode(MlflowJson.toTree(t));
    }

    /**
     * @param a an assessment
     * @return its MLflow dict form
     */
    static Object assessment(Assessment a) {
        return Json.fromNode(MlflowJson.assessmentTree(a));
    }

    static Long totalTokens(TraceInfo info) {
        String usage = info.traceMetadata().get("mlflow.trace.tokenUsage");
        if (usage == null) {
            return null;
        }
        try {
            if (Json.parse(usage) instanceof Map<?, ?> m && m.get("total_tokens") instanceof Number n) {
                return n.longValue();
            }
        } catch (RuntimeException ignored) {
            // unreadable usage metadata: no token count shown
        }
        return null;
    }

    private static String clip(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    static List<Map<String, Object>> rows(List<Trace> traces) {
        return traces.stream().map(TraceViews::row).toList();
    }
}
