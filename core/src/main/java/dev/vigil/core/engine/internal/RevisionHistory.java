package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the history when a trace updated after it was scored ({@link TraceInfo#METADATA_REVISION} above 0) is
 * scored again: the scorer version's valid feedback on earlier revisions of the trace is re-written with
 * {@code valid = false} in the same atomic batch as the new feedback, which {@code overrides} the latest earlier
 * feedback of its name — as session re-scores keep theirs. Feedback on revision 0 needs no read and is unchanged.
 * The store keys scorer feedback by trace revision too, so writing a revision twice (a retry, a restart, a second
 * engine) replaces it and never adds a second valid assessment.
 */
public final class RevisionHistory {

    private RevisionHistory() {}

    /**
     * The batch to upsert for fresh scorer feedback.
     *
     * @param writes what to upsert: first the superseded feedback re-written as not valid, then the fresh feedback
     * @param history how many of {@code writes} are superseded feedback (the fresh follow them)
     */
    public record Batch(List<Assessment> writes, int history) {
        /** Freezes. */
        public Batch {
            writes = List.copyOf(writes);
        }
    }

    /**
     * @param store the store holding the earlier feedback
     * @param fresh scorer feedback just made, each tagged with the revision of the trace it judged
     * @return the batch that records it and retires the feedback it supersedes; fresh feedback on a revision older
     *     than one the scorer version already judged is left out (a newer result exists)
     */
    public static Batch of(Store store, List<Assessment> fresh) {
        if (fresh.stream().allMatch(a -> a.traceRevision() == 0)) {
            return new Batch(fresh, 0);
        }
        Map<String, List<Assessment>> stored = new HashMap<>();
        Map<String, Assessment> retired = new LinkedHashMap<>();
        List<Assessment> kept = new ArrayList<>(fresh.size());
        for (Assessment f : fresh) {
            long revision = f.traceRevision();
            if (revision == 0) {
                kept.add(f);
                continue;
            }
            List<Assessment> earlier = stored.computeIfAbsent(f.traceId(), id -> store.assessments().listByTrace(id));
            Assessment previous = null;
            boolean newerExists = false;
            List<Assessment> superseded = new ArrayList<>();
            for (Assessment a : earlier) {
                if (!sameScorer(a, f)) {
                    continue;
                }
                if (a.traceRevision() > revision) {
                    newerExists = true;
                } else if (a.traceRevision() < revision) {
                    if (a.valid()) {
                        superseded.add(a);
                    }
                    if (a.name().equals(f.name())
                            && (previous == null || a.traceRevision() > previous.traceRevision())) {
                        previous = a;
                    }
                }
            }
            if (!newerExists) {
                for (Assessment a : superseded) {
                    retired.putIfAbsent(a.assessmentId(), a.toBuilder().valid(false).lastUpdateTime(f.createTime())
                            .build());
                }
                kept.add(previous == null ? f : f.toBuilder().overrides(previous.assessmentId()).build());
            }
        }
        List<Assessment> writes = new ArrayList<>(retired.values());
        writes.addAll(kept);
        return new Batch(writes, retired.size());
    }

    /**
     * @param metadata feedback metadata
     * @param revision the revision of the trace the feedback judged
     * @return the metadata with {@link Assessment#METADATA_TRACE_REVISION} added when the revision is above 0
     */
    static Map<String, String> tagged(Map<String, String> metadata, long revision) {
        if (revision == 0) {
            return metadata;
        }
        Map<String, String> md = new LinkedHashMap<>(metadata);
        md.put(Assessment.METADATA_TRACE_REVISION, Long.toString(revision));
        return md;
    }

    private static boolean sameScorer(Assessment stored, Assessment fresh) {
        return Objects.equals(stored.scorerName(), fresh.scorerName())
                && stored.scorerVersion() == fresh.scorerVersion()
                && stored.feedback() != null;
    }
}
