package dev.vigil.cli.demo;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.RetrievedDocument;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.core.scorer.CodeScorer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's Java code scorers: public classes with a no-arg constructor, so they are stored by class name and
 * rebuilt from the store by any process that has them on its path ({@code vigil scorers register NAME --java
 * dev.vigil.cli.demo.DemoScorers$IsEnglish}).
 */
public final class DemoScorers {

    private DemoScorers() {}

    static String response(ScorerInput in) {
        Object r = in.output("response");
        return r == null ? "" : r.toString();
    }

    private static final Set<String> ENGLISH = Set.of("the", "a", "an", "is", "are", "and", "or", "of", "to", "in",
            "on", "with", "for", "it", "you", "your", "can", "so", "do", "not", "this", "that", "as", "by", "at",
            "yes", "no", "has", "have", "one", "i", "from", "was", "its");

    /** Whether the response is in English: the share of common English words, a cheap heuristic. */
    public static final class IsEnglish implements CodeScorer {
        @Override
        public Object score(ScorerInput in) {
            String text = response(in).toLowerCase(Locale.ROOT);
            String[] words = text.split("[^\\p{L}']+");
            int n = 0;
            int english = 0;
            for (String w : words) {
                if (!w.isEmpty()) {
                    n++;
                    english += ENGLISH.contains(w) ? 1 : 0;
                }
            }
            if (n == 0) {
                return Feedback.of(false, "the response is empty");
            }
            double share = (double) english / n;
            return Feedback.of(share >= 0.12, String.format(Locale.ROOT,
                    "%.0f%% of the %d words are common English words", share * 100, n));
        }
    }

    private static final Pattern SECRET = Pattern.compile(
            "\\b(dapi[0-9a-f]{32}|sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36})\\b");

    /** Fails a response that contains something shaped like an access token or API key. */
    public static final class NoSecrets implements CodeScorer {
        @Override
        public Object score(ScorerInput in) {
            Matcher m = SECRET.matcher(response(in));
            if (m.find()) {
                String s = m.group(1);
                return Feedback.of(false, "the response contains what looks like a credential: "
                        + s.substring(0, 6) + "… (" + s.length() + " characters)");
            }
            return true;
        }
    }

    /** Whether the whole request took at most 3 seconds. */
    public static final class FastEnough implements CodeScorer {
        /** The limit, in milliseconds. */
        public static final long LIMIT_MS = 3000;

        @Override
        public Object score(ScorerInput in) {
            Long ms = in.trace() == null ? null : in.trace().info().executionDurationMs();
            if (ms == null) {
                return null;
            }
            return ms <= LIMIT_MS ? Feedback.of(true) : Feedback.of(false, "took " + ms + " ms, over " + LIMIT_MS + " ms");
        }
    }

    /** The share of the response's words found in the retrieved documents (0..1): a crude groundedness. */
    public static final class Grounding implements CodeScorer {
        @Override
        public Object score(ScorerInput in) {
            Set<String> context = new HashSet<>();
            for (List<RetrievedDocument> docs : in.retrievalContext().values()) {
                for (RetrievedDocument d : docs) {
                    context.addAll(words(d.content()));
                }
            }
            List<String> answer = words(response(in));
            if (answer.isEmpty() || context.isEmpty()) {
                return null;
            }
            long found = answer.stream().filter(context::contains).count();
            return Math.round(100.0 * found / answer.size()) / 100.0;
        }

        @Override
        public List<Aggregation> aggregations() {
            return List.of(Aggregation.MEAN, Aggregation.MIN, Aggregation.P90);
        }

        private static List<String> words(String s) {
            return java.util.Arrays.stream(s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                    .filter(w -> w.length() > 3).toList();
        }
    }

    /** Whether every tool call of an agent trace succeeded. */
    public static final class ToolsSucceeded implements CodeScorer {
        @Override
        public Object score(ScorerInput in) {
            if (in.trace() == null) {
                return null;
            }
            for (Span s : in.trace().spansOfType(SpanTypes.TOOL)) {
                if (s.status().code() == SpanStatusCode.ERROR) {
                    return Feedback.of(false, "tool " + s.name() + " failed: " + s.status().message());
                }
            }
            return true;
        }
    }

    /** Whether the response is at most 200 characters: registered late in the demo and backfilled. */
    public static final class Concise implements CodeScorer {
        @Override
        public Object score(ScorerInput in) {
            int n = response(in).length();
            return n <= 200 ? Feedback.of(true) : Feedback.of(false, n + " characters, over 200");
        }
    }
}
