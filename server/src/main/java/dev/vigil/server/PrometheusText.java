package dev.vigil.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Micrometer meters in the Prometheus text exposition format 0.0.4, following Micrometer's own Prometheus naming:
 * dots become underscores, counters end in {@code _total}, timers and summaries give {@code _count}, {@code _sum}
 * and {@code _max}, gauges their value. Written here from the registry the server already has, rather than with
 * {@code micrometer-registry-prometheus} (which would need the embedder to use that registry type).
 */
final class PrometheusText {

    /** The content type of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {}

    static String write(MeterRegistry registry) {
        // one TYPE line per metric name: group the series by name first
        Map<String, List<String>> series = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        List<Meter> meters = new ArrayList<>(registry.getMeters());
        meters.sort(Comparator.comparing(m -> m.getId().getName()));
        for (Meter m : meters) {
            String base = name(m.getId().getName());
            String labels = labels(m.getId().getTags());
            Meter.Type type = m.getId().getType();
            for (Measurement ms : m.measure()) {
                String name = base + suffix(type, ms.getStatistic());
                String promType = switch (type) {
                    case COUNTER -> "counter";
                    case GAUGE -> "gauge";
                    case TIMER, DISTRIBUTION_SUMMARY, LONG_TASK_TIMER -> ms.getStatistic() == Statistic.MAX
                            ? "gauge" : "summary";
                    default -> ms.getStatistic() == Statistic.COUNT || ms.getStatistic() == Statistic.TOTAL
                            ? "counter" : "gauge";
                };
                String family = promType.equals("summary") ? base : name;
                types.putIfAbsent(family, promType);
                series.computeIfAbsent(family, k -> new ArrayList<>()).add(name + labels + " " + number(ms.getValue()));
            }
        }
        StringBuilder out = new StringBuilder();
        series.forEach((family, lines) -> {
            out.append("# TYPE ").append(family).append(' ').append(types.get(family)).append('\n');
            lines.forEach(l -> out.append(l).append('\n'));
        });
        return out.toString();
    }

    private static String suffix(Meter.Type type, Statistic statistic) {
        return switch (statistic) {
            case COUNT -> type == Meter.Type.COUNTER ? "_total" : "_count";
            case TOTAL, TOTAL_TIME -> type == Meter.Type.COUNTER ? "_total" : "_sum";
            case MAX -> "_max";
            case ACTIVE_TASKS -> "_active_count";
            case DURATION -> "_duration_sum";
            case VALUE -> type == Meter.Type.COUNTER ? "_total" : "";
            default -> "_" + statistic.name().toLowerCase(Locale.ROOT);
        };
    }

    /** A Prometheus metric or label name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    static String name(String micrometerName) {
        StringBuilder b = new StringBuilder(micrometerName.length());
        for (int i = 0; i < micrometerName.length(); i++) {
            char c = micrometerName.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            b.append(ok ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }

    private static String labels(Iterable<Tag> tags) {
        StringBuilder b = new StringBuilder();
        for (Tag t : tags) {
            b.append(b.isEmpty() ? "{" : ",").append(name(t.getKey())).append("=\"").append(escape(t.getValue()))
                    .append('"');
        }
        return b.isEmpty() ? "" : b.append('}').toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
