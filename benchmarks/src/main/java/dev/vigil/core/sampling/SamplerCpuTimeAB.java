package dev.vigil.core.sampling;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.*;

/**
 * Not JMH: an A/B under load. Alternates {@code TraceIdHash.hash} (the Latin-1 read path), the same hash read a
 * char at a time ({@code absorbChars}) and OpenTelemetry's ratio sampler in slices of 200,000 decisions, timed in
 * thread CPU time, and prints the median per candidate. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.vigil.core.sampling.SamplerCpuTimeAB 300}.
 */
public class SamplerCpuTimeAB {
    static String[] ids = new String[1024];
    static String[] otelIds = new String[1024];
    static long sink;
    static final io.opentelemetry.sdk.trace.samplers.Sampler OTEL = io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(0.1);
    static final long TH = Sampler.threshold(0.1);

    static long runNew(int n) { long c = 0; for (int i = 0; i < n; i++) if (Sampler.keep(TraceIdHash.hash(Sampler.DEFAULT_SEED, ids[i & 1023]), TH)) c++; return c; }
    static long runOld(int n) { long c = 0; for (int i = 0; i < n; i++) if (Sampler.keep(TraceIdHash.finish(TraceIdHash.absorbChars(Sampler.DEFAULT_SEED, ids[i & 1023])), TH)) c++; return c; }
    static long runOtel(int n) { long c = 0; for (int i = 0; i < n; i++) if (OTEL.shouldSample(io.opentelemetry.context.Context.root(), otelIds[i & 1023], "safety",
            io.opentelemetry.api.trace.SpanKind.INTERNAL, io.opentelemetry.api.common.Attributes.empty(), List.of()).getDecision()
            == io.opentelemetry.sdk.trace.samplers.SamplingDecision.RECORD_AND_SAMPLE) c++; return c; }

    public static void main(String[] a) {
        Random r = new Random(42);
        byte[] b = new byte[16];
        for (int i = 0; i < ids.length; i++) { r.nextBytes(b); ids[i] = "tr-" + HexFormat.of().formatHex(b); otelIds[i] = ids[i].substring(3); }
        int rounds = Integer.parseInt(a[0]), n = 200_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] ns = new double[3][rounds];
        for (int w = 0; w < 50; w++) { sink += runNew(n) + runOld(n) + runOtel(n); }
        for (int k = 0; k < rounds; k++) {
            for (int j = 0; j < 3; j++) {
                int c = (j + k) % 3;
                long t0 = mx.getCurrentThreadCpuTime();
                sink += c == 0 ? runNew(n) : c == 1 ? runOld(n) : runOtel(n);
                ns[c][k] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
        }
        String[] names = {"vigil (Latin-1 path)", "vigil charAt (old)", "opentelemetry"};
        double[] med = new double[3];
        for (int c = 0; c < 3; c++) { double[] s = ns[c].clone(); Arrays.sort(s); med[c] = s[rounds / 2];
            System.out.printf("%-22s median %.2f ns  p25 %.2f  p75 %.2f  min %.2f%n", names[c], med[c], s[rounds / 4], s[3 * rounds / 4], s[0]); }
        System.out.printf("ratio new/otel %.2f   old/otel %.2f   (sink %d)%n", med[0] / med[2], med[1] / med[2], sink);
    }
}
