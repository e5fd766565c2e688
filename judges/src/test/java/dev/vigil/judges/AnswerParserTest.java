package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.judges.internal.AnswerParser;
import org.junit.jupiter.api.Test;

class AnswerParserTest {
    @Test
    void plainJson_isParsed() throws Exception {
        assertThat(AnswerParser.parse("{\"result\": \"yes\", \"rationale\": \"r\"}").get("result").asText()).isEqualTo("yes");
    }

    @Test
    void codeFenceWithoutLanguage_isParsed() throws Exception {
        assertThat(AnswerParser.parse("```\n{\"result\": \"no\"}\n```").get("result").asText()).isEqualTo("no");
    }

    @Test
    void firstObjectWithoutResult_isSkippedForALaterOne() throws Exception {
        String text = "Context {\"note\": \"x\"} then {\"rationale\": \"a } brace in a string\", \"result\": \"yes\"}";
        assertThat(AnswerParser.parse(text).get("rationale").asText()).isEqualTo("a } brace in a string");
    }

    @Test
    void noJson_failsQuotingTheText() {
        assertThatThrownBy(() -> AnswerParser.parse("I believe the answer is yes."))
                .isInstanceOf(AnswerParser.ParseFailure.class).hasMessageContaining("I believe the answer is yes.");
    }

    @Test
    void emptyAnswer_failsSayingWhatWasExpected() {
        assertThatThrownBy(() -> AnswerParser.parse("  ")).hasMessageContaining("empty")
                .hasMessageContaining("\"result\"");
    }

    @Test
    void truncatedJson_failsWithoutThrowingAnythingElse() {
        assertThatThrownBy(() -> AnswerParser.parse("{\"rationale\": \"The resp"))
                .isInstanceOf(AnswerParser.ParseFailure.class);
    }
}
