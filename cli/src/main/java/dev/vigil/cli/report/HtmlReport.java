package dev.vigil.cli.report;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.ScorerVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link QualityReport} as one self-contained HTML file: inline CSS, charts as inline SVG, a few lines
 * of inline script (filtering the failing-traces table), nothing fetched from the network.
 */
public final class HtmlReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int W = 640;
    private static final int WIDE = 1240;
    private static final int H = 170;
    private static final int VH = 56;
    private static final int PAD_L = 48;
    private static final int PAD_R = 12;
    private static final int PAD_T = 10;
    private static final int PAD_B = 22;

    private HtmlReport() {}

    /**
     * @param r the report data
     * @return the HTML document
     */
    public static String render(QualityReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>Vigil quality report: ").append(esc(r.experiment())).append("</title>\n")
                .append("<style>").append(CSS).append("</style></head>\n<body>\n");
        h.append("<header><h1>Quality report: <span class=\"exp\">").append(esc(r.experiment())).append("</span></h1>")
                .append("<p class=\"meta\">").append(esc(r.store())).append(" · ")
                .append(TIME.format(r.from())).append(" → ").append(TIME.format(r.to()))
                .append(" · buckets of ").append(human(r.bucket())).append(" · generated ")
                .append(TIME.format(r.generatedAt())).append("</p></header>\n");
        long failing = r.failures().size();
        h.append("<section class=\"kpis\">")
                .append(kpi("traces", String.valueOf(r.traces())))
                .append(kpi("scorers", String.valueOf(r.scorers().size())))
                .append(kpi("active", String.valueOf(r.scorers().stream()
                        .filter(s -> s.version().sampling().isActive()).count())))
                .append(kpi("failing shown", String.valueOf(failing)))
                .append("</section>\n");
        h.append("<h2>Volume</h2>\n<div class=\"card\">").append(volumeChart(r)).append("</div>\n");
        h.append("<h2>Quality over time</h2>\n<div class=\"grid\">\n");
        int chart = 0;
        for (QualityReport.ScorerSection s : r.scorers()) {
            if (s.series().isEmpty()) {
                h.append("<div class=\"card\"><h3>").append(esc(s.version().name())).append("</h3>")
                        .append("<p class=\"muted\">no feedback in this range")
                        .append(s.version().sampling().isActive() ? "" : " (stopped)").append("</p></div>\n");
                continue;
            }
            for (QualityReport.Series se : s.series()) {
                h.append(seriesCard(s.version(), se, r, chart++));
            }
        }
        h.append("</div>\n");
        h.append("<h2>Latest failing traces</h2>\n");
        if (r.failures().isEmpty()) {
            h.append("<p class=\"muted\">No failing or erroring feedback in this range.</p>\n");
        } else {
            h.append("<input id=\"filter\" type=\"search\" placeholder=\"Filter by scorer, trace or text\">\n")
                    .append("<table id=\"failures\"><thead><tr><th>time</th><th>trace</th><th>scorer</th>")
                    .append("<th>value</th><th>rationale</th><th>request → response</th></tr></thead><tbody>\n");
            for (QualityReport.Failure f : r.failures()) {
                h.append("<tr><td class=\"nowrap\">").append(TIME.format(f.time())).append("</td><td class=\"mono\">")
                        .append(esc(f.traceId())).append("</td><td>").append(esc(f.scorer()))
                        .append(f.name().equals(f.scorer()) ? "" : " / " + esc(f.name()))
                        .append("</td><td class=\"bad\">").append(esc(f.value())).append("</td><td>")
                        .append(esc(clip(f.rationale(), 400))).append("</td><td><div class=\"req\">")
                        .append(esc(clip(f.request(), 200))).append("</div><div class=\"resp\">")
                        .append(esc(clip(f.response(), 300))).append("</div></td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("<h2>Scorer configuration</h2>\n<table><thead><tr><th>name</th><th>version</th><th>kind</th>")
                .append("<th>status</th><th>sample rate</th><th>filter</th><th>definition</th></tr></thead><tbody>\n");
        for (QualityReport.ScorerSection s : r.scorers()) {
            ScorerVersion v = s.version();
            h.append("<tr><td>").append(esc(v.name())).append("</td><td>").append(v.version()).append("</td><td>")
                    .append(esc(v.definition().kind())).append("</td><td>")
                    .append(v.sampling().isActive() ? "<span class=\"ok\">active</span>" : "stopped").append("</td><td>")
                    .append(pct(v.sampling().sampleRate())).append("</td><td class=\"mono\">")
                    .append(esc(v.sampling().filterString() == null ? "" : v.sampling().filterString()))
                    .append("</td><td><pre>").append(esc(definition(v.definition().config()))).append("</pre></td></tr>\n");
        }
        h.append("</tbody></table>\n");
        h.append("<footer>Vigil · intervals are 95% (Wilson for pass rates, normal for means); a lower sample rate "
                + "gives fewer values and wider intervals.</footer>\n");
        h.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static String seriesCard(ScorerVersion v, QualityReport.Series se, QualityReport r, int index) {
        StringBuilder h = new StringBuilder();
        String title = se.feedbackName().equals(se.scorer()) ? se.scorer() : se.scorer() + " / " + se.feedbackName();
        Stat o = se.overall();
        h.append("<div class=\"card\" data-scorer=\"").append(esc(se.scorer())).append("\"><h3>").append(esc(title))
                .append(" <small>").append(esc(v.definition().kind())).append(" · ")
                .append(pct(v.sampling().sampleRate())).append(v.sampling().isActive() ? "" : " · stopped")
                .append("</small></h3>");
        String what = switch (o.kind()) {
            case PASS_RATE -> "pass rate";
            case MEAN -> "mean";
            case CATEGORICAL -> "categories";
        };
        long shown = o.kind() == Stat.Kind.CATEGORICAL
                ? se.categories().values().stream().mapToLong(Long::longValue).sum() : o.n();
        h.append("<p class=\"headline\"><b>").append(esc(o.kind() == Stat.Kind.CATEGORICAL
                        ? String.valueOf(se.categories().size()) : o.format())).append("</b> ").append(what)
                .append(" · ").append(shown).append(" values · ")
                .append(o.errors() > 0 ? "<span class=\"bad\">" + o.errors() + " errors</span>" : "0 errors")
                .append("</p>");
        if (o.kind() == Stat.Kind.CATEGORICAL) {
            h.append(categoryBars(se.categories()));
        } else {
            h.append(qualityChart(se, r, index));
            h.append(countChart(se, r));
        }
        h.append("</div>\n");
        return h.toString();
    }

    private static double x(Instant t, QualityReport r) {
        return x(t, r, W);
    }

    private static double x(Instant t, QualityReport r, int width) {
        long span = Math.max(1, r.to().toEpochMilli() - r.from().toEpochMilli());
        return PAD_L + (width - PAD_L - PAD_R) * (double) (t.toEpochMilli() - r.from().toEpochMilli()) / span;
    }

    private static String qualityChart(QualityReport.Series se, QualityReport r, int index) {
        List<QualityReport.Point> pts = se.points().stream().filter(p -> p.stat().hasValue()).toList();
        boolean rate = se.overall().kind() == Stat.Kind.PASS_RATE;
        double lo = rate ? 0 : Double.MAX_VALUE;
        double hi = rate ? 1 : -Double.MAX_VALUE;
        if (!rate) {
            for (QualityReport.Point p : pts) {
                lo = Math.min(lo, p.stat().low());
                hi = Math.max(hi, p.stat().high());
            }
            if (pts.isEmpty()) {
                lo = 0;
                hi = 1;
            }
            if (hi - lo < 1e-9) {
                hi = lo + 1;
            }
            double pad = (hi - lo) * 0.08;
            lo -= pad;
            hi += pad;
        }
        final double ylo = lo;
        final double yhi = hi;
        java.util.function.DoubleUnaryOperator y = v -> PAD_T + (H - PAD_T - PAD_B) * (1 - (v - ylo) / (yhi - ylo));
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart quality\" role=\"img\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" data-points=\"").append(pts.size()).append("\" aria-label=\"")
                .append(esc(se.scorer())).append(" over time\">");
        for (int i = 0; i <= 4; i++) {
            double v = ylo + (yhi - ylo) * i / 4;
            double yy = y.applyAsDouble(v);
            s.append("<line class=\"grid\" x1=\"").append(PAD_L).append("\" x2=\"").append(W - PAD_R)
                    .append("\" y1=\"").append(f(yy)).append("\" y2=\"").append(f(yy)).append("\"/>")
                    .append("<text class=\"axis\" x=\"").append(PAD_L - 6).append("\" y=\"").append(f(yy + 4))
                    .append("\" text-anchor=\"end\">").append(rate ? Math.round(v * 100) + "%" : Stat.num(v))
                    .append("</text>");
        }
        axisTimes(s, r, H, W);
        if (!pts.isEmpty()) {
            StringBuilder band = new StringBuilder();
            for (QualityReport.Point p : pts) {
                band.append(f(x(p.start(), r))).append(',').append(f(y.applyAsDouble(p.stat().high()))).append(' ');
            }
            for (int i = pts.size() - 1; i >= 0; i--) {
                QualityReport.Point p = pts.get(i);
                band.append(f(x(p.start(), r))).append(',').append(f(y.applyAsDouble(p.stat().low()))).append(' ');
            }
            s.append("<polygon class=\"band\" points=\"").append(band.toString().strip()).append("\"/>");
            StringBuilder line = new StringBuilder();
            for (QualityReport.Point p : pts) {
                line.append(line.isEmpty() ? "M" : " L").append(f(x(p.start(), r))).append(',')
                        .append(f(y.applyAsDouble(p.stat().value())));
            }
            s.append("<path class=\"line\" d=\"").append(line).append("\"/>");
            for (QualityReport.Point p : pts) {
                s.append("<circle class=\"point\" r=\"3\" cx=\"").append(f(x(p.start(), r))).append("\" cy=\"")
                        .append(f(y.applyAsDouble(p.stat().value()))).append("\"><title>")
                        .append(CLOCK.format(p.start())).append(": ").append(esc(p.stat().format())).append(", n=")
                        .append(p.stat().n()).append(p.stat().errors() > 0 ? ", errors=" + p.stat().errors() : "")
                        .append("</title></circle>");
            }
        } else {
            s.append("<text class=\"axis\" x=\"").append(W / 2).append("\" y=\"").append(H / 2)
                    .append("\" text-anchor=\"middle\">no values</text>");
        }
        s.append("</svg>");
        return s.toString();
    }

    private static String countChart(QualityReport.Series se, QualityReport r) {
        long max = 1;
        for (QualityReport.Point p : se.points()) {
            max = Math.max(max, p.stat().n() + p.stat().errors());
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart counts\" role=\"img\" viewBox=\"0 0 ").append(W).append(' ').append(VH)
                .append("\" data-bars=\"").append(se.points().size()).append("\" aria-label=\"values and errors\">");
        double bw = Math.max(2, (W - PAD_L - PAD_R) / (double) Math.max(1, bucketsIn(r)) - 1);
        for (QualityReport.Point p : se.points()) {
            double xx = x(p.start(), r) - bw / 2;
            double hv = (VH - 14) * (double) p.stat().n() / max;
            double he = (VH - 14) * (double) p.stat().errors() / max;
            s.append("<rect class=\"bar\" x=\"").append(f(xx)).append("\" y=\"").append(f(VH - 2 - hv))
                    .append("\" width=\"").append(f(bw)).append("\" height=\"").append(f(hv)).append("\"><title>")
                    .append(CLOCK.format(p.start())).append(": ").append(p.stat().n()).append(" values</title></rect>");
            if (p.stat().errors() > 0) {
                s.append("<rect class=\"err\" x=\"").append(f(xx)).append("\" y=\"").append(f(VH - 2 - hv - he))
                        .append("\" width=\"").append(f(bw)).append("\" height=\"").append(f(he)).append("\"><title>")
                        .append(p.stat().errors()).append(" errors</title></rect>");
            }
        }
        s.append("<text class=\"axis\" x=\"").append(PAD_L - 6).append("\" y=\"12\" text-anchor=\"end\">").append(max)
                .append("</text></svg>");
        return s.toString();
    }

    private static String volumeChart(QualityReport r) {
        long max = 1;
        for (long v : r.volume().values()) {
            max = Math.max(max, v);
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart volume\" role=\"img\" viewBox=\"0 0 ").append(WIDE).append(' ').append(VH + 20)
                .append("\" data-bars=\"").append(r.volume().size()).append("\" aria-label=\"traces per bucket\">");
        double bw = Math.max(2, (WIDE - PAD_L - PAD_R) / (double) Math.max(1, bucketsIn(r)) - 1);
        for (Map.Entry<Instant, Long> e : r.volume().entrySet()) {
            double hv = (VH - 8) * (double) e.getValue() / max;
            s.append("<rect class=\"bar\" x=\"").append(f(x(e.getKey(), r, WIDE) - bw / 2)).append("\" y=\"")
                    .append(f(VH - hv)).append("\" width=\"").append(f(bw)).append("\" height=\"").append(f(hv))
                    .append("\"><title>").append(CLOCK.format(e.getKey())).append(": ").append(e.getValue())
                    .append(" traces</title></rect>");
        }
        s.append("<text class=\"axis\" x=\"").append(PAD_L - 6).append("\" y=\"12\" text-anchor=\"end\">").append(max)
                .append("</text>");
        axisTimes(s, r, VH + 20, WIDE);
        s.append("</svg>");
        return s.toString();
    }

    private static String categoryBars(Map<String, Long> categories) {
        long total = categories.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder s = new StringBuilder("<table class=\"cats\">");
        categories.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> s.append("<tr><td>").append(esc(clip(e.getKey(), 60))).append("</td><td class=\"num\">")
                        .append(e.getValue()).append("</td><td><div class=\"catbar\" style=\"width:")
                        .append(Math.round(200.0 * e.getValue() / Math.max(1, total))).append("px\"></div></td></tr>"));
        return s.append("</table>").toString();
    }

    private static long bucketsIn(QualityReport r) {
        return Math.max(1, Duration.between(r.from(), r.to()).toMillis() / Math.max(1, r.bucket().toMillis()) + 1);
    }

    private static void axisTimes(StringBuilder s, QualityReport r, int height, int width) {
        s.append("<text class=\"axis\" x=\"").append(PAD_L).append("\" y=\"").append(height - 6).append("\">")
                .append(CLOCK.format(r.from())).append("</text><text class=\"axis\" x=\"").append(width - PAD_R)
                .append("\" y=\"").append(height - 6).append("\" text-anchor=\"end\">").append(CLOCK.format(r.to()))
                .append("</text>");
    }

    private static String kpi(String label, String value) {
        return "<div class=\"kpi\"><div class=\"v\">" + esc(value) + "</div><div class=\"l\">" + esc(label) + "</div></div>";
    }

    private static String definition(Map<String, Object> config) {
        StringBuilder sb = new StringBuilder();
        config.forEach((k, v) -> {
            String text = v instanceof String str ? str : Json.write(v);
            sb.append(k).append(": ").append(text.contains("\n") ? "\n" + text.strip() : text).append('\n');
        });
        return sb.toString().strip();
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, rate * 100 == Math.rint(rate * 100) ? "%.0f%%" : "%.1f%%", rate * 100);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s < 86400 ? s / 3600 + " h" : s / 86400 + " d";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /**
     * @param s text
     * @return the text escaped for HTML content and attribute values
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{--fg:#1d2330;--muted:#6b7385;--line:#2f6fde;--band:rgba(47,111,222,.16);--bad:#c4382f;--ok:#1f8a4c;\
            --card:#fff;--bg:#f4f6fa;--grid:#e3e7ef}
            *{box-sizing:border-box}body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",\
            Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:0 0 4px}
            h3 small{font-weight:400;color:var(--muted)}.meta,.muted,footer{color:var(--muted)}footer{margin-top:32px;font-size:12px}
            .exp{color:var(--line)}.kpis{display:flex;gap:12px;margin-top:16px}.kpi{background:var(--card);padding:10px 18px;\
            border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}.kpi .v{font-size:22px;font-weight:600}.kpi .l{color:var(--muted);font-size:12px}
            .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
            .card{background:var(--card);border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            .headline{margin:2px 0 6px}.chart{width:100%;height:auto;display:block}.chart .grid{stroke:var(--grid)}
            .axis{font-size:10px;fill:var(--muted)}.band{fill:var(--band)}.line{fill:none;stroke:var(--line);stroke-width:2}
            .point{fill:var(--line)}.bar{fill:#9db7e8}.err{fill:var(--bad)}.bad{color:var(--bad)}.ok{color:var(--ok)}
            table{border-collapse:collapse;width:100%;background:var(--card);border-radius:8px;overflow:hidden}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--grid);vertical-align:top}
            th{background:#eef1f7;font-weight:600}.mono,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
            pre{margin:0;white-space:pre-wrap;max-height:12em;overflow:auto}.nowrap{white-space:nowrap}
            .req{color:var(--muted)}.resp{margin-top:4px}table.cats{width:auto}.catbar{height:10px;background:#9db7e8}
            .num{text-align:right}#filter{margin:0 0 8px;padding:6px 8px;width:320px;border:1px solid #c9cfdb;border-radius:6px}
            """;

    private static final String SCRIPT = """
            (function(){document.documentElement.setAttribute('data-vigil-report','ready');
            var box=document.getElementById('filter');if(!box){return;}
            var rows=Array.prototype.slice.call(document.querySelectorAll('#failures tbody tr'));
            box.addEventListener('input',function(){var q=box.value.toLowerCase();
            rows.forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});});})();
            """;
}
