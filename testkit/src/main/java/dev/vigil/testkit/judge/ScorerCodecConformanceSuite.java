package dev.vigil.testkit.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The suite every {@link ScorerCodec} passes: it is found by {@link ServiceLoader} under its kind; each valid
 * definition decodes to a scorer with the registered name whose own definition is of the codec's kind and decodes
 * again to an equal one (what storage relies on), also after a trip through JSON; each invalid definition, and a
 * definition of another kind, is an {@link InvalidInputException} saying what is wrong (never another exception).
 * Subclass it once per codec (JUnit 5).
 */
public abstract class ScorerCodecConformanceSuite {

    /** @return the codec under test (a new instance, as {@link ServiceLoader} would make it) */
    protected abstract ScorerCodec codec();

    /** @return definitions the codec must decode, by the name to register them under (at least one) */
    protected abstract Map<String, ScorerDefinition> validDefinitions();

    /** @return definitions of the codec's kind it must refuse (missing or wrong fields), at least one */
    protected abstract List<ScorerDefinition> invalidDefinitions();

    /**
     * Decodes as the suite's checks do; override to pass the codec an environment its service-loaded form would
     * make for itself (a test sandbox, a test runtime).
     *
     * @param name the registered name
     * @param definition the definition
     * @return {@code codec().decode(name, definition)} by default
     */
    protected Scorer decode(String name, ScorerDefinition definition) {
        return codec().decode(name, definition);
    }

    /** @param scorer a decoded scorer; override to check more of it (default: nothing more) */
    protected void assertUsable(Scorer scorer) {
        // nothing by default
    }

    @Test
    void codec_isFoundByServiceLoaderUnderItsKind() {
        List<String> found = new ArrayList<>();
        for (ScorerCodec c : ServiceLoader.load(ScorerCodec.class)) {
            if (c.getClass() == codec().getClass()) {
                found.add(c.kind());
            }
        }
        assertThat(found).as("declare it in module-info (provides) and META-INF/services")
                .containsExactly(codec().kind());
    }

    @Test
    void kind_isANonBlankNameOfTheValidDefinitions() {
        assertThat(codec().kind()).isNotBlank();
        assertThat(validDefinitions()).isNotEmpty();
        validDefinitions().values().forEach(d -> assertThat(d.kind()).isEqualTo(codec().kind()));
    }

    @Test
    void validDefinition_decodesToAScorerWithTheRegisteredName() {
        validDefinitions().forEach((name, definition) -> {
            Scorer s = decode(name, definition);
            assertThat(s).as("decode(%s)", name).isNotNull();
            assertThat(s.name()).isEqualTo(name);
            assertThat(s.definition().kind()).isEqualTo(codec().kind());
            assertUsable(s);
        });
    }

    @Test
    void decodedDefinition_decodesAgainToAnEqualDefinition() {
        validDefinitions().forEach((name, definition) -> {
            ScorerDefinition once = decode(name, definition).definition();
            ScorerDefinition twice = decode(name, once).definition();
            assertThat(twice).as("%s rebuilt from its own definition", name).isEqualTo(once);
        });
    }

    @Test
    void definitionThroughJson_decodesToAnEqualDefinition() {
        validDefinitions().forEach((name, definition) -> {
            ScorerDefinition stored = decode(name, definition).definition();
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) Json.parse(Json.write(stored.config()));
            ScorerDefinition read = new ScorerDefinition(stored.kind(), config);
            assertThat(decode(name, read).definition()).as("%s after JSON", name).isEqualTo(stored);
        });
    }

    @Test
    void invalidDefinition_isInvalidInputSayingWhatIsWrong() {
        assertThat(invalidDefinitions()).isNotEmpty();
        for (ScorerDefinition d : invalidDefinitions()) {
            Throwable t = catchThrowable(() -> decode("bad_scorer", d));
            assertThat(t).as("decode(%s)", d).isInstanceOf(InvalidInputException.class);
            assertThat(t.getMessage()).as("the message of %s", d).isNotBlank();
        }
    }

    @Test
    void definitionOfAnotherKind_isInvalidInputNamingThatKind() {
        ScorerDefinition valid = validDefinitions().values().iterator().next();
        ScorerDefinition other = new ScorerDefinition("not_" + codec().kind(), valid.config());
        Throwable t = catchThrowable(() -> decode("other_kind", other));
        assertThat(t).isInstanceOf(InvalidInputException.class);
        assertThat(t.getMessage()).contains("not_" + codec().kind());
    }
}
