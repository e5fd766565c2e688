package dev.vigil.core.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.WriteLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultLimitsTest {

    private static final Scorer SCORER = Scorers.code("huge", in -> null);

    @Test
    void fiftyMegabyteString_becomesResultTooLargeWithItsSize() {
        List<Feedback> out = ScorerResults.normalize(SCORER, "x".repeat(50 * 1024 * 1024));
        assertThat(out).hasSize(1);
        Feedback f = out.get(0);
        assertThat(f.name()).isEqualTo("huge");
        assertThat(f.value()).isNull();
        assertThat(f.error().code()).isEqualTo(ResultLimits.RESULT_TOO_LARGE);
        assertThat(f.error().message()).isEqualTo("scorer 'huge' returned the value of 52428802 characters; the "
                + "store's limit is 1048576 (see \"Limits on what is stored\" in the README)");
    }

    @Test
    void oversizedRationaleMetadataOrName_becomeResultTooLarge() {
        Feedback rationale = Feedback.of(true, "r".repeat(WriteLimits.DEFAULTS.maxRationaleChars() + 1));
        Feedback metadata = new Feedback("m", 1, null, null,
                Map.of("k", "v".repeat(WriteLimits.DEFAULTS.maxMetadataValueChars() + 1)), null, null);
        Feedback name = Feedback.of(1).withName("n".repeat(300));
        for (Feedback in : List.of(rationale, metadata, name)) {
            Feedback out = ScorerResults.normalize(SCORER, in).get(0);
            assertThat(out.error().code()).isEqualTo(ResultLimits.RESULT_TOO_LARGE);
            assertThat(out.name().length()).isLessThanOrEqualTo(WriteLimits.DEFAULTS.maxNameChars());
        }
    }

    @Test
    void hugeExceptionMessage_isCutToTheLimits() {
        Scorer thrower = Scorers.code("thrower", in -> {
            throw new IllegalStateException("m".repeat(1_000_000));
        });
        Feedback f = ScorerResults.score(thrower, dev.vigil.spi.scorer.ScorerInput.ofRecord("q", "a", null)).get(0);
        assertThat(f.error().code()).isEqualTo(ScorerResults.SCORER_EXCEPTION);
        assertThat(f.error().message().length()).isBetween(WriteLimits.DEFAULTS.maxErrorMessageChars() - 100,
                WriteLimits.DEFAULTS.maxErrorMessageChars());
        assertThat(f.error().message()).endsWith("more characters cut)");
        assertThat(f.error().stackTrace().length()).isLessThanOrEqualTo(WriteLimits.DEFAULTS.maxStackTraceChars());
    }

    @Test
    void resultWithinLimits_isUnchanged() {
        Feedback in = Feedback.of("fine", "short");
        assertThat(ResultLimits.fit("s", in)).isSameAs(in);
        AssessmentError e = AssessmentError.of("E", "small");
        assertThat(ResultLimits.error(e)).isSameAs(e);
    }
}
