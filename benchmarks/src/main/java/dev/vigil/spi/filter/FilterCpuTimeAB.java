package dev.vigil.spi.filter;

import dev.vigil.spi.model.*;
import dev.vigil.spi.filter.TracePredicates.*;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.*;
import java.util.function.Predicate;

/**
 * Not JMH: an A/B under load. Alternates the compiled filter ({@link FlatAnd}), the previous compiled form (an
 * {@code And4} of the four single-class comparisons) and the hand-written check in slices of 200,000 decisions,
 * timing each slice in thread CPU time (so time spent descheduled on a loaded machine is not counted), and prints
 * the median per candidate. With a second argument ({@code poly}) each side runs four filters in turn, the same
 * operands rotated, as a process with several live filters does: the {@code And4} operand call sites become
 * megamorphic, the flat form has none. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.vigil.spi.filter.FilterCpuTimeAB 300 [poly]}.
 */
public class FilterCpuTimeAB {
    static Trace[] traces = new Trace[256];
    static Predicate<Trace> flat, old;
    static int sink;

    static boolean hand(Trace t) {
        TraceInfo info = t.info();
        if (info.state() != TraceState.OK || !"prod".equals(info.tags().get("env"))) return false;
        Long ms = info.executionDurationMs();
        if (ms == null || ms <= 1000) return false;
        for (Span s : t.spans()) if (s.spanType().equals(SpanTypes.RETRIEVER)) return true;
        return false;
    }
    static int runFlat(int n) { int c = 0; Predicate<Trace> p = flat; for (int i = 0; i < n; i++) if (p.test(traces[i & 255])) c++; return c; }
    static int runOld(int n) { int c = 0; Predicate<Trace> p = old; for (int i = 0; i < n; i++) if (p.test(traces[i & 255])) c++; return c; }
    static Predicate<Trace>[] flats, olds;
    static int runFlatPoly(int n) { int c = 0; Predicate<Trace>[] p = flats; for (int i = 0; i < n; i++) if (p[i & 3].test(traces[i & 255])) c++; return c; }
    static int runOldPoly(int n) { int c = 0; Predicate<Trace>[] p = olds; for (int i = 0; i < n; i++) if (p[i & 3].test(traces[i & 255])) c++; return c; }
    static int runHand(int n) { int c = 0; for (int i = 0; i < n; i++) if (hand(traces[i & 255])) c++; return c; }

    public static void main(String[] a) {
        Random r = new Random(7);
        for (int i = 0; i < traces.length; i++) {
            String id = "tr-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
            TraceInfo info = TraceInfo.builder().traceId(id).experimentId("1")
                    .requestTime(Instant.ofEpochMilli(1_717_200_000_000L + i)).executionDurationMs((long) r.nextInt(2000))
                    .state(r.nextInt(10) < 8 ? TraceState.OK : TraceState.ERROR)
                    .tag("env", r.nextBoolean() ? "prod" : "dev").tag("mlflow.traceName", "chat").traceMetadata("mlflow.user", "u" + i).build();
            List<Span> spans = new ArrayList<>();
            spans.add(Span.builder().traceId(id).spanId("root").name("chat").spanType(SpanTypes.AGENT).status(SpanStatus.OK).build());
            spans.add(Span.builder().traceId(id).spanId("llm").parentSpanId("root").name("llm").spanType(SpanTypes.CHAT_MODEL).status(SpanStatus.OK).build());
            if (r.nextBoolean()) spans.add(Span.builder().traceId(id).spanId("ret").parentSpanId("root").name("retrieve").spanType(SpanTypes.RETRIEVER).status(SpanStatus.OK).build());
            traces[i] = new Trace(info, spans);
        }
        FilterExpr e = new FilterExpr.And(List.of(
                new FilterExpr.Comparison(Field.attribute("status"), Operator.EQ, List.of("OK")),
                new FilterExpr.Comparison(Field.tag("env"), Operator.EQ, List.of("prod")),
                new FilterExpr.Comparison(Field.attribute("execution_time_ms"), Operator.GT, List.of(1000L)),
                new FilterExpr.Comparison(new Field(FieldKind.SPAN_TYPE, "type"), Operator.EQ, List.of("RETRIEVER"))));
        flat = FilterEvaluator.compile(e);
        old = new And4(new StatusEq(TraceState.OK), new TagEq("env", "prod"), new DurationIn(1001, Long.MAX_VALUE), new SpanTypeEq("RETRIEVER"));
        if (a.length > 1) {
            List<FilterExpr> ops = ((FilterExpr.And) e).operands();
            @SuppressWarnings("unchecked") Predicate<Trace>[] leaves = new Predicate[] {new StatusEq(TraceState.OK), new TagEq("env", "prod"), new DurationIn(1001, Long.MAX_VALUE), new SpanTypeEq("RETRIEVER")};
            flats = new Predicate[4]; olds = new Predicate[4];
            for (int k = 0; k < 4; k++) {
                List<FilterExpr> rot = new ArrayList<>(); List<Predicate<Trace>> lr = new ArrayList<>();
                for (int q = 0; q < 4; q++) { rot.add(ops.get((q + k) % 4)); lr.add(leaves[(q + k) % 4]); }
                flats[k] = FilterEvaluator.compile(new FilterExpr.And(rot));
                olds[k] = new And4(lr.get(0), lr.get(1), lr.get(2), lr.get(3));
            }
            flat = null; old = null;
            System.out.println("poly: 4 filters, the same operands rotated, used in turn");
        }
        System.out.println(flat == null ? "" : flat.getClass().getSimpleName() + " vs " + old.getClass().getSimpleName());
        if (flat != null) for (Trace t : traces) if (flat.test(t) != hand(t) || old.test(t) != hand(t)) throw new IllegalStateException();
        int rounds = Integer.parseInt(a[0]), n = 200_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] ns = new double[3][rounds];
        for (int w = 0; w < 50; w++) { sink += (flats != null ? runFlatPoly(n) + runOldPoly(n) : runFlat(n) + runOld(n)) + runHand(n); }
        for (int k = 0; k < rounds; k++) {
            for (int j = 0; j < 3; j++) {
                int c = (j + k) % 3;
                long t0 = mx.getCurrentThreadCpuTime();
                sink += c == 0 ? (flats != null ? runFlatPoly(n) : runFlat(n)) : c == 1 ? (olds != null ? runOldPoly(n) : runOld(n)) : runHand(n);
                ns[c][k] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
        }
        String[] names = {"flat (new compiled)", "And4 (old compiled)", "handWritten"};
        double[] med = new double[3];
        for (int c = 0; c < 3; c++) { double[] s = ns[c].clone(); Arrays.sort(s); med[c] = s[rounds / 2];
            System.out.printf("%-22s median %.2f ns  p25 %.2f  p75 %.2f  min %.2f%n", names[c], med[c], s[rounds / 4], s[3 * rounds / 4], s[0]); }
        System.out.printf("ratio new/hand %.2f   old/hand %.2f   (sink %d)%n", med[0] / med[2], med[1] / med[2], sink);
    }
}
