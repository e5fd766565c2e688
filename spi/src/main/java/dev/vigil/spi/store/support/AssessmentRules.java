package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.WriteLimits;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The rules of storing assessments that every store shares: ids, the checks of {@code append} and
 * {@code upsertScorerFeedback}, and the upsert itself — scorer feedback is keyed by (trace, assessment name,
 * scorer name, scorer version, trace revision); a write for a stored key replaces it, keeping its id and create
 * time. The trace revision ({@link Assessment#METADATA_TRACE_REVISION}, 0 when absent) lets a trace updated after
 * it was scored be scored again while the feedback on its earlier revision stays as history.
 */
public final class AssessmentRules {
    private AssessmentRules() {}

    /**
     * The key scorer feedback is upserted by.
     *
     * @param traceId the trace
     * @param name the assessment name
     * @param scorerName the scorer's name
     * @param scorerVersion the scorer's version
     * @param traceRevision the trace revision the feedback judged (0 when its metadata has none)
     */
    public record FeedbackKey(String traceId, String name, String scorerName, int scorerVersion, long traceRevision) {
        /**
         * @param a scorer feedback (checked by {@link #checkUpsertBatch})
         * @return its key
         */
        public static FeedbackKey of(Assessment a) {
            return new FeedbackKey(a.traceId(), a.name(), a.scorerName(), a.scorerVersion(), a.traceRevision());
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    /**
     * A new assessment id: {@code "a-"} and a random (version 4) UUID's 32 hex digits. The bits come from
     * {@link ThreadLocalRandom}, not {@code UUID.randomUUID()}: its shared {@code SecureRandom} is one lock that every
     * scoring thread waited on. Ids name assessments; they are not secrets, so they need to be unique, not
     * unguessable.
     *
     * @return a new assessment id
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // the IETF variant
        return "a-" + HEX.toHexDigits(high) + HEX.toHexDigits(low);
    }

    /**
     * @param a an assessment
     * @return the assessment, with a new id if it had none
     */
    public static Assessment withId(Assessment a) {
        return a.assessmentId() == null ? a.toBuilder().assessmentId(newId()).build() : a;
    }

    /**
     * @param incoming scorer feedback for a key already stored
     * @param storedId the id of the stored feedback of that key
     * @param storedCreateTime its create time
     * @return the incoming feedback with the stored id and create time (it keeps its place in creation order)
     */
    public static Assessment replacing(Assessment incoming, String storedId, java.time.Instant storedCreateTime) {
        return incoming.toBuilder().assessmentId(storedId).createTime(storedCreateTime).build();
    }

    /**
     * @param a an assessment to append
     * @param limits the write limits, or null for none
     * @throws InvalidInputException if it is null, over the limits, or carries a scorer version that is not a
     *     whole number of 0 or more
     */
    public static void checkAppend(Assessment a, WriteLimits limits) {
        StoreArguments.present(a, "append needs an assessment");
        if (limits != null) {
            limits.check(a);
        }
        if (a.metadata().get(Assessment.METADATA_SCORER_VERSION) != null) {
            checkVersion(a);
            checkTraceRevision(a);
        }
    }

    private static void checkTraceRevision(Assessment a) {
        String v = a.metadata().get(Assessment.METADATA_TRACE_REVISION);
        if (v == null) {
            return;
        }
        long revision;
        try {
            revision = Long.parseLong(v);
        } catch (NumberFormatException e) {
            revision = -1;
        }
        if (revision < 0) {
            throw new InvalidInputException("assessment '" + a.name() + "' on trace " + a.traceId() + " has "
                    + Assessment.METADATA_TRACE_REVISION + " '" + v + "'; it must be a whole number, 0 or more; "
                    + "nothing was written");
        }
    }

    /**
     * @param batch scorer feedback to upsert
     * @param limits the write limits, or null for none
     * @throws InvalidInputException if the list or an entry is null, an entry is over the limits, lacks the scorer
     *     name or version metadata, or has a version or trace revision that is not a whole number of 0 or more;
     *     nothing may then be written
     */
    public static void checkUpsertBatch(List<Assessment> batch, WriteLimits limits) {
        StoreArguments.present(batch, "upsertScorerFeedback needs a list");
        for (int i = 0; i < batch.size(); i++) {
            Assessment a = batch.get(i);
            if (a == null) {
                throw new InvalidInputException("assessment " + i + " of the batch is null; nothing was written");
            }
            if (limits != null) {
                limits.check(a);
            }
            if (a.scorerName() == null || a.metadata().get(Assessment.METADATA_SCORER_VERSION) == null) {
                throw new InvalidInputException("scorer feedback '" + a.name() + "' on trace " + a.traceId()
                        + " lacks the metadata " + Assessment.METADATA_SCORER_NAME + " and "
                        + Assessment.METADATA_SCORER_VERSION + " that key the upsert; nothing was written");
            }
            checkVersion(a);
        }
    }

    /**
     * @param a an assessment whose trace is not stored
     * @return the error saying so
     */
    public static InvalidInputException traceMissing(Assessment a) {
        return new InvalidInputException("assessment '" + a.name() + "' is on trace " + a.traceId()
                + ", which is not stored; put the trace first; nothing was written");
    }

    private static void checkVersion(Assessment a) {
        String v = a.metadata().get(Assessment.METADATA_SCORER_VERSION);
        int version;
        try {
            version = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            version = -1;
        }
        if (version < 0) {
            throw new InvalidInputException("assessment '" + a.name() + "' on trace " + a.traceId() + " has "
                    + Assessment.METADATA_SCORER_VERSION + " '" + v + "'; it must be a whole number, 0 or more; "
                    + "nothing was written");
        }
    }
}
