package dev.vigil.core.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerResultsTest {

    private static final Scorer SCORER = Scorers.code("quality", in -> null);
    private static final ScorerInput INPUT = ScorerInput.ofRecord("q", "a", null);

    @Test
    void primitives_becomeOneFeedbackNamedAfterTheScorer() {
        for (Object raw : List.of(true, 42, 0.75, 3L, "yes")) {
            List<Feedback> out = ScorerResults.normalize(SCORER, raw);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).name()).isEqualTo("quality");
            assertThat(out.get(0).value()).isEqualTo(raw instanceof Integer i ? (Object) i.longValue() : raw);
            assertThat(out.get(0).isError()).isFalse();
            assertThat(out.get(0).source()).isEqualTo(AssessmentSource.code("quality"));
        }
    }

    @Test
    void null_becomesNoFeedback() {
        assertThat(ScorerResults.normalize(SCORER, null)).isEmpty();
        assertThat(ScorerResults.normalize(SCORER, List.of())).isEmpty();
    }

    @Test
    void feedbackWithDefaultName_takesTheScorersName_andAChosenNameStays() {
        assertThat(ScorerResults.normalize(SCORER, Feedback.of("yes", "because"))).extracting(Feedback::name,
                Feedback::value, Feedback::rationale).containsExactly(tuple("quality", "yes", "because"));
        Feedback named = Feedback.of(1).withName("tone");
        assertThat(ScorerResults.normalize(SCORER, named)).extracting(Feedback::name).containsExactly("tone");
        Feedback human = new Feedback("x", 1, null, null, Map.of(), null, AssessmentSource.human("ann"));
        assertThat(ScorerResults.normalize(SCORER, human).get(0).source()).isEqualTo(AssessmentSource.human("ann"));
    }

    @Test
    void listOfFeedback_isNormalisedElementByElement() {
        List<Feedback> out = ScorerResults.normalize(SCORER,
                List.of(Feedback.of(1), Feedback.of("no").withName("tone"), Feedback.of(0.5).withSpanId("s1")));
        assertThat(out).extracting(Feedback::name, Feedback::value, Feedback::spanId).containsExactly(
                tuple("quality", 1L, null), tuple("tone", "no", null), tuple("quality", 0.5, "s1"));
    }

    @Test
    void otherTypes_becomeAnErrorNamingTheScorerAndTheType() {
        List<Feedback> out = ScorerResults.normalize(SCORER, Map.of("score", 1));
        assertThat(out).hasSize(1);
        Feedback f = out.get(0);
        assertThat(f.name()).isEqualTo("quality");
        assertThat(f.value()).isNull();
        assertThat(f.error().code()).isEqualTo(ScorerResults.INVALID_RETURN_TYPE);
        assertThat(f.error().message()).startsWith("scorer 'quality' returned java.util.")
                .contains("a scorer returns a boolean, a number, a string, a Feedback, a list of Feedback, or null");
        AssessmentError mixed = ScorerResults.normalize(SCORER, List.of(Feedback.of(1), "two")).get(0).error();
        assertThat(mixed.message()).startsWith("scorer 'quality' returned a list holding java.lang.String");
        assertThat(ScorerResults.normalize(SCORER, new Object()).get(0).error().message())
                .startsWith("scorer 'quality' returned java.lang.Object");
    }

    @Test
    void score_turnsAThrownExceptionIntoAnErrorFeedback() {
        Scorer boom = Scorers.code("boom", in -> {
            throw new IllegalStateException("model unavailable");
        });
        List<Feedback> out = ScorerResults.score(boom, INPUT);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).name()).isEqualTo("boom");
        assertThat(out.get(0).error().code()).isEqualTo(ScorerResults.SCORER_EXCEPTION);
        assertThat(out.get(0).error().message())
                .isEqualTo("scorer 'boom' threw java.lang.IllegalStateException: model unavailable");
        assertThat(out.get(0).error().stackTrace()).contains("ScorerResultsTest");
    }

    @Test
    void score_normalisesWhatTheScorerReturns() {
        assertThat(ScorerResults.score(Scorers.code("len", in -> in.outputText().length()), INPUT))
                .extracting(Feedback::name, Feedback::value).containsExactly(tuple("len", 1L));
    }
}
